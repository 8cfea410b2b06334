import type { CorpusEvent } from "../corpus/events.ts";
import type { JobStore } from "./store/job-store.ts";

/** Line-number range [start, end) of one chunk job. */
export interface ChunkRange {
  start: number;
  end: number;
}

/** Counts and chunk ranges of one corpus import. */
export interface ImportSummary {
  /** Rows stored as pending items. */
  rows: number;
  /** Invalid rows stored as failed items with the parser's code and message. */
  invalidRows: number;
  blankLines: number;
  chunks: ChunkRange[];
}

/**
 * Streams parsed corpus events into job_items, `chunkSize` rows per insert, and returns the
 * line ranges of the chunk jobs to enqueue. Memory stays bounded by one chunk plus the list of
 * ranges (two numbers per chunk), whatever the corpus size. Invalid rows become failed items,
 * so they show up in the job's results with the reason and never stop the other rows.
 */
export async function importCorpus(store: JobStore, jobId: string, events: AsyncIterable<CorpusEvent>, chunkSize: number): Promise<ImportSummary> {
  const summary: ImportSummary = { rows: 0, invalidRows: 0, blankLines: 0, chunks: [] };
  let rows: { lineNumber: number; text: string }[] = [];
  let invalid: { lineNumber: number; code: string; message: string }[] = [];

  const flushRows = async () => {
    if (rows.length === 0) return;
    await store.insertItems(jobId, rows);
    summary.chunks.push({ start: rows[0]!.lineNumber, end: rows[rows.length - 1]!.lineNumber + 1 });
    rows = [];
  };
  const flushInvalid = async () => {
    if (invalid.length === 0) return;
    await store.insertFailedItems(jobId, invalid);
    invalid = [];
  };

  for await (const event of events) {
    if (event.type === "row") {
      rows.push({ lineNumber: event.lineNumber, text: event.text });
      summary.rows += 1;
      if (rows.length >= chunkSize) await flushRows();
    } else if (event.type === "error") {
      invalid.push({ lineNumber: event.lineNumber, code: event.code, message: event.message });
      summary.invalidRows += 1;
      if (invalid.length >= chunkSize) await flushInvalid();
    } else if (event.type === "skipped") {
      summary.blankLines += 1;
    }
  }
  await flushRows();
  await flushInvalid();
  return summary;
}

/** Groups sorted line numbers into ranges of at most `chunkSize` lines each. */
export function chunkLineNumbers(lineNumbers: number[], chunkSize: number): ChunkRange[] {
  const ranges: ChunkRange[] = [];
  for (let i = 0; i < lineNumbers.length; i += chunkSize) {
    const slice = lineNumbers.slice(i, i + chunkSize);
    ranges.push({ start: slice[0]!, end: slice[slice.length - 1]! + 1 });
  }
  return ranges;
}
