/**
 * Raised when a corpus file cannot be used at all: a binary file, a CSV header that lacks the
 * requested column, a column index past the last column. The file must change first, so retrying
 * cannot help. Parsing throws it before emitting any row.
 */
export class CorpusFileError extends Error {
  override readonly name = "CorpusFileError";
  readonly retryable = false;

  constructor(
    /** Stable machine-readable code, e.g. "binary_file" or "column_not_found". */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Raised when corpus options are invalid; the caller must fix them, so retrying cannot help. */
export class CorpusOptionsError extends Error {
  override readonly name = "CorpusOptionsError";
  readonly retryable = false;
}
