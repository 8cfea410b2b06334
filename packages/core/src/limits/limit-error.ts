/** Machine-readable names of the limits. */
export type LimitCode =
  | "rate_limited"
  | "sentence_too_long"
  | "too_many_masks"
  | "top_k_too_large"
  | "too_many_targets"
  | "upload_too_large"
  | "too_many_rows"
  | "too_many_concurrent_jobs"
  | "queue_busy";

/**
 * Raised when a request exceeds a configured limit. `retryAfterSeconds` is set for limits that
 * clear with time (rate limit, queue depth, concurrent jobs): only then can a retry help.
 */
export class LimitExceededError extends Error {
  override readonly name = "LimitExceededError";

  constructor(
    readonly code: LimitCode,
    message: string,
    /** The configured limit. */
    readonly limit: number,
    /** The value of the request, or the current count, that exceeded it. */
    readonly actual: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.retryAfterSeconds !== undefined;
  }

  /** HTTP status: 429 for rate and concurrency limits, 503 for a busy queue, 413 for size limits, else 422. */
  get status(): number {
    if (this.code === "rate_limited" || this.code === "too_many_concurrent_jobs") return 429;
    if (this.code === "queue_busy") return 503;
    if (this.code === "upload_too_large" || this.code === "too_many_rows") return 413;
    return 422;
  }
}
