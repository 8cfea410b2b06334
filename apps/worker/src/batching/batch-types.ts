/** Requests, options and reports of the MicroBatcher. */

export type Priority = "interactive" | "bulk";

/** One request waiting in the batcher. */
export interface BatchEntry<K extends string, Req> {
  kind: K;
  request: Req;
  priority: Priority;
  /** Id of the job the request belongs to, reported with each batch. */
  jobId: string;
  /** Tokens of the request, special tokens included: counted by the model's tokenizer, or estimated. */
  tokens: number;
  enqueuedAt: number;
}

/** Contents and timing of one flushed batch, for metrics and tests. */
export interface BatchReport<K extends string> {
  kind: K;
  size: number;
  /** Rows times the longest estimated length, which is the padded size of the model input. */
  paddedTokens: number;
  jobIds: string[];
  interactive: number;
  /** Requests still waiting after this batch was taken. */
  pendingAfter: number;
  durationMs: number;
  /** onnxruntime session runs the batch took, when the runner sets it. */
  sessionRuns?: number;
}

export interface MicroBatcherOptions<K extends string, Req, Res> {
  /** Maximum padded tokens (rows x longest row) per batch; a single longer request still runs alone. */
  tokenBudget: number;
  /**
   * Multiplier of tokenBudget for batches without interactive requests; default 1. A larger
   * batch lets the runner sort more requests by their exact length, at the price of a longer
   * wait for a sentence that arrives while it runs.
   */
  bulkBudgetFactor?: number;
  /** Milliseconds the oldest pending request may wait for the batch to fill. */
  maxWaitMs: number;
  /**
   * Maximum batches handed to `run` at the same time; default 1. With two, the runner already
   * has its next batch while this thread handles the previous results.
   */
  maxInFlight?: number;
  /**
   * Runs one batch; must return one result per entry, in order. A rejection fails every entry of
   * the batch. The runner may fill in `report.sessionRuns`.
   */
  run(kind: K, entries: BatchEntry<K, Req>[], report: BatchReport<K>): Promise<Res[]>;
  /** Called after each batch, successful or not. */
  onBatch?(report: BatchReport<K>, error?: Error): void;
}

/** Raised for requests submitted after close(); another worker can take the job, so a retry helps. */
export class BatcherClosedError extends Error {
  override readonly name = "BatcherClosedError";
  readonly retryable = true;
}

/** A request as its submitter passes it, before the batcher stamps its enqueue time. */
export type SubmittedEntry<K extends string, Req> = Omit<BatchEntry<K, Req>, "enqueuedAt">;
