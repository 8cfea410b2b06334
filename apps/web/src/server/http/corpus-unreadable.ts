import type { CorpusFileProblem } from "@maskfill/core/corpus";
import type { Translator } from "../../i18n/translate.ts";
import { describeCorpusFileError } from "../../lib/corpus-messages.ts";
import { ApiError } from "./api-error.ts";

/**
 * The 422 `corpus_unreadable` error for a file that the corpus parser rejects as a whole. Its
 * message is written from the problem's code and params in the request's language.
 */
export class CorpusUnreadableError extends ApiError {
  constructor(
    readonly problem: CorpusFileProblem,
    options: { field?: string; cause?: unknown } = {},
  ) {
    super(422, "corpus_unreadable", "errors.corpus", { message: problem.message }, { ...options, retryable: false });
  }

  override translate(t: Translator): string {
    return describeCorpusFileError(t, this.problem);
  }
}
