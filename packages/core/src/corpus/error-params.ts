// Machine-readable values of every corpus error, so that a caller can write the message in its own
// language. The English `message` of each error is built from the same values.

/** Parameters of a code whose message uses no value besides the line number. */
export type NoParams = Record<string, never>;

/** JSON type of a value, as the jsonl messages name it. */
export type JsonType = "null" | "array" | "object" | "string" | "number" | "boolean";

/** Kinds of non-text file that the binary check recognizes by their first bytes. */
export const BINARY_SIGNATURES = [
  "zip",
  "empty_zip",
  "gzip",
  "7z",
  "legacy_office",
  "pdf",
  "png",
  "jpeg",
  "utf16le",
  "utf16be",
] as const;
export type BinarySignature = (typeof BINARY_SIGNATURES)[number];

/** Parameters of each row error code. The line number is on the event itself. */
export interface CorpusErrorParams {
  invalid_utf8: NoParams;
  /** `unit` is "record" for a CSV record that spans several lines. `limit` is limits.maxLineLength. */
  line_too_long: { limit: number; unit: "line" | "record" };
  /** `codePoint` in U+ notation; `position` is 1-based, counted in code points. */
  control_character: { codePoint: string; position: number };
  invalid_unicode: { codePoint: string; position: number };
  empty_text: NoParams;
  /** `detail` is V8's English description of the syntax error. */
  invalid_json: { detail: string };
  /** `field` is the field option, shown in the expected row shape. */
  not_an_object: { type: JsonType; field: string };
  /** `keys` are the top-level keys of the object, all of them, in order. */
  missing_field: { field: string; keys: string[] };
  invalid_field_type: { field: string; type: JsonType };
  /** `detail` is csv-parse's English description; `endLine` is the last line of the record. */
  invalid_csv: { detail: string; endLine: number };
  unterminated_quote: NoParams;
  /** `expectedFrom` names the record that set the expected count. */
  column_count: { expected: number; actual: number; expectedFrom: "header" | "first_record" };
  /** `limit` is limits.maxColumns. */
  too_many_columns: { limit: number };
  /** `limit` is limits.maxRows. */
  too_many_rows: { limit: number };
  /** `limit` is limits.maxErrors. */
  too_many_errors: { limit: number };
}

/** Stable codes of row errors, in the order the documentation lists them. */
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
] as const satisfies readonly (keyof CorpusErrorParams)[];
export type CorpusErrorCode = (typeof CORPUS_ERROR_CODES)[number];

/** A union with one member per code in `C`: the code, the parameters `Params` gives it and the English message. */
type ProblemOf<Params, C extends keyof Params> = {
  [K in C]: { code: K; params: Params[K]; message: string };
}[C];

/** A row problem: its code, the parameters of that code and the English message. */
export type CorpusRowProblem<C extends CorpusErrorCode = CorpusErrorCode> = ProblemOf<CorpusErrorParams, C>;

/** A row error with the line where its row starts, as the parser emits it and `invalid_header` carries it. */
export type LocatedRowProblem = { lineNumber: number } & CorpusRowProblem;

/** Parameters of each file error code. `fileName` is the fileName option, or null without one. */
export interface CorpusFileErrorParams {
  /** Either a known file signature or too many NUL bytes in the first `sampleBytes` bytes. */
  binary_file:
    | { fileName: string | null; reason: "signature"; signature: BinarySignature }
    | { fileName: string | null; reason: "nul_bytes"; nulBytes: number; sampleBytes: number };
  /** `header` lists every header name; `lineNumber` is the header's line. */
  column_not_found: { column: string; header: string[]; lineNumber: number };
  /** `columnCount` is the column count of the record on `lineNumber`. */
  column_out_of_range: { column: number; columnCount: number; lineNumber: number };
  /** `rowError` is the error that the header record would have as a row. */
  invalid_header: { rowError: LocatedRowProblem };
  header_only: { fileName: string | null; header: string[] };
  /** `blankLines` is 0 for a file without any line. */
  empty_corpus: { fileName: string | null; blankLines: number };
  /** `extension` is lower case with its dot, or null when the name has none; `accepted` lists the known ones. */
  unknown_format: { fileName: string; extension: string | null; accepted: string[] };
}

/** Stable codes of file errors. */
export const CORPUS_FILE_ERROR_CODES = [
  "binary_file",
  "column_not_found",
  "column_out_of_range",
  "invalid_header",
  "header_only",
  "empty_corpus",
  "unknown_format",
] as const satisfies readonly (keyof CorpusFileErrorParams)[];
export type CorpusFileErrorCode = (typeof CORPUS_FILE_ERROR_CODES)[number];

/** A file problem: its code, the parameters of that code and the English message. */
export type CorpusFileProblem<C extends CorpusFileErrorCode = CorpusFileErrorCode> = ProblemOf<CorpusFileErrorParams, C>;
