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

/** A row that was skipped because it is invalid; the rows after it are still parsed. */
export interface CorpusErrorEvent {
  type: "error";
  lineNumber: number;
  /** Stable machine-readable code, one of CORPUS_ERROR_CODES. */
  code: CorpusErrorCode;
  /** Sentence that names the line and the value, with the fix. */
  message: string;
}

/** Stable codes of row errors. */
export const CORPUS_ERROR_CODES = [
  "invalid_utf8",
  "line_too_long",
  "control_character",
  "invalid_unicode",
  "empty_text",
  "invalid_json",
  "not_an_object",
  "missing_field",
  "invalid_field_type",
  "invalid_csv",
  "unterminated_quote",
  "column_count",
  "too_many_columns",
  "too_many_rows",
  "too_many_errors",
] as const;
export type CorpusErrorCode = (typeof CORPUS_ERROR_CODES)[number];

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
