/**
 * Runs `operation` up to `attempts` times with exponential backoff starting at `baseDelayMs`,
 * so a write survives Postgres being unreachable for a moment without re-running inference.
 * Errors that declare `retryable: false` are raised at once.
 */
export async function withRetry<T>(
  operation: () => Promise<T>,
  options: { attempts: number; baseDelayMs: number; onRetry?(error: unknown, attempt: number): void },
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      const permanent = typeof error === "object" && error !== null && "retryable" in error && error.retryable === false;
      if (permanent || attempt >= options.attempts) throw error;
      options.onRetry?.(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, options.baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}
