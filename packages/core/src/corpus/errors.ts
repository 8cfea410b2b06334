import type { CorpusFileErrorCode, CorpusFileErrorParams, CorpusFileProblem } from "./error-params.ts";

/**
 * Raised when a corpus file cannot be used at all: a binary file, a CSV header that lacks the
 * requested column, a column index past the last column. The file must change first, so retrying
 * cannot help. Parsing throws it before emitting any row, except `empty_corpus` and `header_only`
 * at the end of the file.
 */
export class CorpusFileError<C extends CorpusFileErrorCode = CorpusFileErrorCode> extends Error {
  override readonly name = "CorpusFileError";
  readonly retryable = false;

  constructor(
    /** Stable machine-readable code, e.g. "binary_file" or "column_not_found". */
    readonly code: C,
    /** Values that the message uses, so that a caller can write it in another language. */
    readonly params: CorpusFileErrorParams[C],
    message: string,
  ) {
    super(message);
  }

  /** Returns the code, params and message as one value whose params type follows its code. */
  toProblem(): CorpusFileProblem {
    // The constructor pairs `code` with the params of that code, which TypeScript cannot follow
    // through the class's type parameter.
    return { code: this.code, params: this.params, message: this.message } as CorpusFileProblem;
  }
}

/** Raised when corpus options are invalid; the caller must fix them, so retrying cannot help. */
export class CorpusOptionsError extends Error {
  override readonly name = "CorpusOptionsError";
  readonly retryable = false;
}
