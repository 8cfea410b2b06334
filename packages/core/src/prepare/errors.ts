/**
 * A model cannot be prepared: the graph has a shape the rewriter does not support, or a file is
 * missing or unreadable. Retrying does not help, and the message names what to change.
 */
export class PrepareError extends Error {
  readonly retryable = false;

  constructor(message: string) {
    super(message);
    this.name = "PrepareError";
  }
}
