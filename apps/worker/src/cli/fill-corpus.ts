import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { parseCorpus, type CorpusFormat, type Engine, type FillMaskRequest } from "@maskfill/core";
import { toFillLine, type FillLine } from "./fill-format.ts";
import { ProgressBar, type ProgressStream } from "./progress-bar.ts";

/** Settings of one corpus run. */
export interface FillCorpusOptions {
  inputPath: string;
  format: CorpusFormat;
  field?: string;
  column?: string | number;
  /** CSV: whether the first record is a header; default "auto". */
  header?: boolean | "auto";
  /** Request fields applied to every row (topK, targets, dropSpecialTokens). */
  request: Omit<FillMaskRequest, "text">;
  /** Rows per engine call; memory stays proportional to it, not to the file. */
  chunkSize: number;
  /** Progress output, or null for none. */
  progress: ProgressStream | null;
}

/** Counts of one corpus run. */
export interface FillCorpusSummary {
  filled: number;
  failed: number;
  blank: number;
}

type PendingLine = { line: number; text: string; outcome: FillLine | null } | { line: number; text: null; outcome: FillLine };

/**
 * Streams a corpus file through the engine and writes one JSON line per input line, in input
 * order: a result, an error (with the line number) or a skipped blank line. At most `chunkSize`
 * rows are held at a time, and writing waits for the output to drain.
 */
export async function fillCorpus(engine: Engine, options: FillCorpusOptions, output: Writable): Promise<FillCorpusSummary> {
  const totalBytes = (await stat(options.inputPath)).size;
  const progress = options.progress === null ? null : new ProgressBar(options.progress, totalBytes);
  const summary: FillCorpusSummary = { filled: 0, failed: 0, blank: 0 };
  let bytesRead = 0;
  let linesWritten = 0;

  async function* countedBytes(): AsyncGenerator<Uint8Array> {
    for await (const chunk of createReadStream(options.inputPath)) {
      bytesRead += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }

  let pending: PendingLine[] = [];
  let rowsPending = 0;
  const flush = async (): Promise<void> => {
    const rows = pending.filter((entry): entry is PendingLine & { text: string } => entry.text !== null);
    const outcomes = await engine.fillMask(rows.map((row) => ({ ...options.request, text: row.text })));
    rows.forEach((row, i) => {
      row.outcome = toFillLine(row.line, row.text, outcomes[i]!);
      if (outcomes[i]!.ok) summary.filled += 1;
      else summary.failed += 1;
    });
    for (const entry of pending) {
      if (!output.write(`${JSON.stringify(entry.outcome)}\n`)) {
        await once(output, "drain");
      }
    }
    linesWritten += pending.length;
    pending = [];
    rowsPending = 0;
    progress?.update(bytesRead, linesWritten);
  };

  const corpusOptions = { format: options.format, fileName: options.inputPath, ...(options.field === undefined ? {} : { field: options.field }), ...(options.column === undefined ? {} : { column: options.column }), ...(options.header === undefined ? {} : { header: options.header }) };
  for await (const event of parseCorpus(countedBytes(), corpusOptions)) {
    if (event.type === "row") {
      pending.push({ line: event.lineNumber, text: event.text, outcome: null });
      rowsPending += 1;
    } else if (event.type === "skipped") {
      pending.push({ line: event.lineNumber, text: null, outcome: { line: event.lineNumber, skipped: "blank" } });
      summary.blank += 1;
    } else if (event.type === "error") {
      pending.push({ line: event.lineNumber, text: null, outcome: { line: event.lineNumber, error: { code: event.code, message: event.message } } });
      summary.failed += 1;
    }
    if (rowsPending >= options.chunkSize || pending.length >= 4 * options.chunkSize) {
      await flush();
    }
  }
  await flush();
  progress?.finish(linesWritten);
  return summary;
}
