import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { CorpusSummaryBuilder, parseCorpus, type CorpusFormat, type CorpusScoreSummary, type Engine, type ScoreVariant } from "@maskfill/core";
import { ProgressBar, type ProgressStream } from "./progress-bar.ts";
import { toScoreLine, type ScoreLine } from "./score-format.ts";

/** Settings of one corpus run. */
export interface ScoreCorpusOptions {
  inputPath: string;
  format: CorpusFormat;
  field?: string;
  column?: string | number;
  /** CSV: whether the first record is a header; default "auto". */
  header?: boolean | "auto";
  variant: ScoreVariant;
  /** Rows per engine call. Memory stays proportional to it, not to the file. */
  chunkSize: number;
  /** Whether each record lists its tokens. */
  withTokens: boolean;
  /** Progress output, or null for none. */
  progress: ProgressStream | null;
}

/** Counts and corpus summary of one run. */
export interface ScoreCorpusReport {
  scored: number;
  failed: number;
  blank: number;
  /** Line numbers of the first failed rows (at most MAX_REPORTED_FAILURES). */
  failedLines: number[];
  summary: CorpusScoreSummary;
}

/** Histogram bins of the closing summary, fewer than the library default so that it fits a terminal. */
export const SUMMARY_HISTOGRAM_BINS = 10;

/** Failed line numbers kept for the closing report; every failure is in the output anyway. */
export const MAX_REPORTED_FAILURES = 20;

/** An output record in input order, or a row still waiting for its score. */
type Entry = { record: ScoreLine } | { line: number; text: string };

/**
 * Streams a corpus file through the engine and writes one JSON line per input row, in input
 * order: a score, an error with the line number, or a skipped blank line. At most `chunkSize`
 * rows wait for the engine at a time, and writing waits for the output to drain, so memory
 * does not grow with the file (except 8 bytes per sentence for the summary's quantiles).
 */
export async function scoreCorpus(engine: Engine, options: ScoreCorpusOptions, output: Writable): Promise<ScoreCorpusReport> {
  const totalBytes = (await stat(options.inputPath)).size;
  const progress = options.progress === null ? null : new ProgressBar(options.progress, totalBytes);
  const builder = new CorpusSummaryBuilder({ histogramBins: SUMMARY_HISTOGRAM_BINS });
  const report: Omit<ScoreCorpusReport, "summary"> = { scored: 0, failed: 0, blank: 0, failedLines: [] };
  let bytesRead = 0;
  let linesWritten = 0;

  async function* countedBytes(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(options.inputPath)) {
      bytesRead += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }

  const noteFailure = (line: number): void => {
    report.failed += 1;
    if (report.failedLines.length < MAX_REPORTED_FAILURES) report.failedLines.push(line);
  };

  let entries: Entry[] = [];
  let waitingRows = 0;
  const flush = async (): Promise<void> => {
    const rows = entries.filter((entry): entry is { line: number; text: string } => "text" in entry);
    const outcomes = await engine.score(rows.map((row) => ({ text: row.text, variant: options.variant })));
    const records = new Map<number, ScoreLine>();
    rows.forEach((row, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) {
        report.scored += 1;
        builder.add(outcome.value);
      } else if (outcome.error.code === "empty_text") {
        // Whitespace the corpus parser keeps as text (such as a no-break space) is still a blank line.
        records.set(row.line, { line: row.line, skipped: "blank" });
        report.blank += 1;
        return;
      } else {
        noteFailure(row.line);
      }
      records.set(row.line, toScoreLine(row.line, row.text, engine.info.name, outcome, options.withTokens));
    });

    for (const entry of entries) {
      const record = "record" in entry ? entry.record : records.get(entry.line)!;
      if (!output.write(`${JSON.stringify(record)}\n`)) {
        await once(output, "drain");
      }
    }
    linesWritten += entries.length;
    entries = [];
    waitingRows = 0;
    progress?.update(bytesRead, linesWritten);
  };

  const corpusOptions = {
    format: options.format,
    fileName: options.inputPath,
    ...(options.field === undefined ? {} : { field: options.field }),
    ...(options.column === undefined ? {} : { column: options.column }),
    ...(options.header === undefined ? {} : { header: options.header }),
  };
  for await (const event of parseCorpus(countedBytes(), corpusOptions)) {
    if (event.type === "row") {
      entries.push({ line: event.lineNumber, text: event.text });
      waitingRows += 1;
    } else if (event.type === "skipped") {
      entries.push({ record: { line: event.lineNumber, skipped: "blank" } });
      report.blank += 1;
    } else if (event.type === "error") {
      entries.push({ record: { line: event.lineNumber, error: { code: event.code, message: event.message } } });
      noteFailure(event.lineNumber);
    }
    if (waitingRows >= options.chunkSize || entries.length >= 4 * options.chunkSize) {
      await flush();
    }
  }
  await flush();
  progress?.finish(linesWritten);
  return { ...report, summary: builder.summary() };
}
