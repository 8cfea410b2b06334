import { CorpusFileError, CorpusOptionsError } from "@maskfill/core/corpus";
import { InvalidRequestError, JobNotFoundError, ResultTimeoutError } from "@maskfill/core/queue";
import { ApiError } from "./api-error.ts";
import { CorpusUnreadableError } from "./corpus-unreadable.ts";

/**
 * Maps the producer's and the corpus parser's errors to ApiErrors; returns undefined for other
 * errors. A CorpusFileError is translated from its code and params. The other messages are
 * English only, so they are passed through inside a translated sentence.
 */
export function classifyProducerError(error: unknown, context: { jobId?: string; timeoutMs?: number } = {}): ApiError | undefined {
  if (error instanceof ResultTimeoutError) {
    return new ApiError(504, "timeout", "errors.timeout", { seconds: Math.round((context.timeoutMs ?? 0) / 1000) }, { retryable: true, cause: error });
  }
  if (error instanceof JobNotFoundError) {
    return new ApiError(404, "job_not_found", "errors.jobNotFound", { id: context.jobId ?? "" }, { retryable: false, cause: error });
  }
  if (error instanceof InvalidRequestError) {
    return new ApiError(400, "invalid_request", "errors.rejected", { message: error.message }, { retryable: false, cause: error });
  }
  if (error instanceof CorpusOptionsError) {
    return new ApiError(400, "invalid_request", "errors.corpus", { message: error.message }, { retryable: false, cause: error });
  }
  if (error instanceof CorpusFileError) {
    return new CorpusUnreadableError(error.toProblem(), { cause: error });
  }
  return undefined;
}
