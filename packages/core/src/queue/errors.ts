/** Raised for a request the producer rejects (unknown kind, invalid option, empty text); fix the request, do not retry. */
export class InvalidRequestError extends Error {
  override readonly name = "InvalidRequestError";
  readonly retryable = false;
}

/** Raised when no job has the given id. */
export class JobNotFoundError extends Error {
  override readonly name = "JobNotFoundError";
  readonly retryable = false;
}

/**
 * Raised when a sentence result did not arrive in time. The job stays queued and its result
 * still lands in Postgres, so polling the job later can succeed.
 */
export class ResultTimeoutError extends Error {
  override readonly name = "ResultTimeoutError";
  readonly retryable = true;
  constructor(
    message: string,
    readonly jobId: string,
  ) {
    super(message);
  }
}

/** Raised when Redis does not respond in time; the call may succeed once Redis is back, so a retry helps. */
export class QueueUnavailableError extends Error {
  override readonly name = "QueueUnavailableError";
  readonly retryable = true;
}
