import type { Writable } from "node:stream";
import { CorpusSummaryBuilder, type CorpusScoreSummary, type Engine, type ScoreVariant } from "@maskfill/core";
import { streamCorpus, type CorpusStreamOptions } from "./corpus-stream.ts";
import { toScoreLine, type ScoreLine } from "./score-format.ts";

/** Settings of one corpus run. */
export interface ScoreCorpusOptions extends CorpusStreamOptions {
  variant: ScoreVariant;
  /** Whether each record lists its tokens. */
  withTokens: boolean;
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

/**
 * Streams a corpus file through the engine and writes one JSON line per input row, in input
 * order: a score, an error with the line number, or a skipped blank line. At most `chunkSize`
 * rows wait for the engine at a time, and writing waits for the output to drain, so memory
 * does not grow with the file (except 8 bytes per sentence for the summary's quantiles).
 */
export async function scoreCorpus(engine: Engine, options: ScoreCorpusOptions, output: Writable): Promise<ScoreCorpusReport> {
  const builder = new CorpusSummaryBuilder({ histogramBins: SUMMARY_HISTOGRAM_BINS });
  const report: Omit<ScoreCorpusReport, "summary"> = { scored: 0, failed: 0, blank: 0, failedLines: [] };
  const { variant, withTokens, ...streamOptions } = options;

  const noteFailure = (line: number): void => {
    report.failed += 1;
    if (report.failedLines.length < MAX_REPORTED_FAILURES) report.failedLines.push(line);
  };

  await streamCorpus<ScoreLine>(streamOptions, output, {
    processRows: async (rows) => {
      const outcomes = await engine.score(rows.map((row) => ({ text: row.text, variant })));
      return rows.map((row, index): ScoreLine => {
        const outcome = outcomes[index]!;
        if (outcome.ok) {
          report.scored += 1;
          builder.add(outcome.value);
        } else if (outcome.error.code === "empty_text") {
          // Whitespace the corpus parser keeps as text (such as a no-break space) is still a blank line.
          report.blank += 1;
          return { line: row.line, skipped: "blank" };
        } else {
          noteFailure(row.line);
        }
        return toScoreLine(row.line, row.text, engine.info.name, outcome, withTokens);
      });
    },
    onBlank: () => {
      report.blank += 1;
    },
    onParserError: noteFailure,
  });
  return { ...report, summary: builder.summary() };
}
