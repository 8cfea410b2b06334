import type { Logger } from "@maskfill/core/queue";

/**
 * Logs a health check's changes of state instead of every result: a warning when a check
 * starts failing or fails with another error, and an info line when it passes again. Clients
 * such as the demo script poll /api/health while a worker starts, and one warning per poll
 * would bury the rest of the log.
 */
export class CheckLog {
  /** The last error of each failing check; a passing check has no entry. */
  private readonly failing = new Map<string, string>();

  constructor(private readonly logger: Logger) {}

  /** Records the result of check `name`: `error` is its message, or undefined when it passed. */
  record(name: string, error: string | undefined): void {
    const previous = this.failing.get(name);
    if (error === undefined) {
      if (previous === undefined) return;
      this.failing.delete(name);
      this.logger.info({ check: name }, "Health check passes again");
      return;
    }
    if (previous === error) return;
    this.failing.set(name, error);
    this.logger.warn({ check: name, err: error }, "Health check failed");
  }
}
