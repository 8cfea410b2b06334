import type { CorpusErrorCode, LocatedRowProblem } from "./error-params.ts";

/** A text row, with the 1-based line of the source file where it starts. */
export interface CorpusRowEvent {
  type: "row";
  lineNumber: number;
  text: string;
}

/** A line that held no text (empty or only whitespace); counted, not an error. */
export interface CorpusSkippedEvent {
  type: "skipped";
  lineNumber: number;
  reason: "blank";
}

/**
 * A row that was skipped because it is invalid; the rows after it are still parsed. `code` is
 * one of CORPUS_ERROR_CODES, `params` contains the values of that code, and `message` is an English
 * sentence that names the line and the value, with the fix.
 */
export type CorpusErrorEvent = { type: "error" } & LocatedRowProblem;

/** Totals of one parse, sent as the last event. */
export interface CorpusSummary {
  rows: number;
  blankLines: number;
  /** Row errors, including a final "too_many_rows" or "too_many_errors". */
  errors: number;
  /** Error count per code; codes that did not occur are absent. */
  errorCounts: Partial<Record<CorpusErrorCode, number>>;
  /** Last source line read (0 for an empty file). */
  lastLineNumber: number;
  /** Set when a limit stopped the parse before the end of the file. */
  stoppedBy: "max_rows" | "max_errors" | null;
}

/** The last event of every parse that did not throw. */
export interface CorpusEndEvent {
  type: "end";
  summary: CorpusSummary;
}

export type CorpusEvent = CorpusRowEvent | CorpusSkippedEvent | CorpusErrorEvent | CorpusEndEvent;

/** Events produced by a format parser before row validation and counting. */
export type FormatEvent = CorpusRowEvent | CorpusSkippedEvent | CorpusErrorEvent;
