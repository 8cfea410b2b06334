/** Machine-readable reason for a rejected bulk write. */
export type BulkWriteErrorCode = "invalid_rows" | "duplicate_rows" | "missing_parent";

/**
 * Raised by the bulk write helpers before or instead of writing. Never retryable: the same rows
 * fail the same way, so fix the caller (or insert the missing job or items first).
 * Connection failures are not wrapped and keep Prisma's own error classes.
 */
export class BulkWriteError extends Error {
  override readonly name = "BulkWriteError";
  readonly code: BulkWriteErrorCode;
  readonly retryable = false;

  constructor(code: BulkWriteErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}
