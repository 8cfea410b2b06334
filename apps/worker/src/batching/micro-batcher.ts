/**
 * Micro-batcher that merges inference requests from every job the worker is processing into
 * length-grouped batches under a padded-token budget.
 *
 * Interactive requests (single sentences) always go into the next batch before any corpus
 * request, so a sentence waits for at most the `maxInFlight` batches already running. A batch
 * runs when its requests fill the budget or when the oldest pending request has waited `maxWaitMs`.
 */

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

interface Pending<K extends string, Req, Res> extends BatchEntry<K, Req> {
  resolve(value: Res): void;
  reject(error: Error): void;
}

/** Merges requests into batches and runs them one at a time through `run`. */
export class MicroBatcher<K extends string, Req, Res> {
  private readonly interactive: Pending<K, Req, Res>[] = [];
  private readonly bulk: Pending<K, Req, Res>[] = [];
  private running = 0;
  private readonly maxInFlight: number;
  private readonly bulkBudgetFactor: number;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: MicroBatcherOptions<K, Req, Res>) {
    if (!Number.isInteger(options.tokenBudget) || options.tokenBudget < 1) {
      throw new RangeError(`tokenBudget must be a whole number of at least 1, got ${options.tokenBudget}`);
    }
    if (!Number.isFinite(options.maxWaitMs) || options.maxWaitMs < 0) {
      throw new RangeError(`maxWaitMs must be 0 or more milliseconds, got ${options.maxWaitMs}`);
    }
    this.bulkBudgetFactor = options.bulkBudgetFactor ?? 1;
    if (!Number.isFinite(this.bulkBudgetFactor) || this.bulkBudgetFactor < 1) {
      throw new RangeError(`bulkBudgetFactor must be 1 or more, got ${options.bulkBudgetFactor}`);
    }
    this.maxInFlight = options.maxInFlight ?? 1;
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1) {
      throw new RangeError(`maxInFlight must be a whole number of at least 1, got ${options.maxInFlight}`);
    }
  }

  /** Number of requests waiting for a batch (not counting batches that are running). */
  get pendingCount(): number {
    return this.interactive.length + this.bulk.length;
  }

  /** Queues one request and resolves with its result once its batch has run. */
  submit(entry: Omit<BatchEntry<K, Req>, "enqueuedAt">): Promise<Res> {
    if (this.closed) return Promise.reject(new BatcherClosedError("The batcher is closed; the worker is shutting down."));
    return new Promise<Res>((resolve, reject) => {
      const pending: Pending<K, Req, Res> = { ...entry, enqueuedAt: performance.now(), resolve, reject };
      (entry.priority === "interactive" ? this.interactive : this.bulk).push(pending);
      this.schedule();
    });
  }

  /** Runs every pending request without waiting for batches to fill, and resolves when none is left. */
  async drain(): Promise<void> {
    if (this.running === 0 && this.pendingCount === 0) return;
    await new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      this.schedule(true);
    });
  }

  /** Rejects new requests, then runs what is pending; resolves when the last batch is done. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  private schedule(force = false): void {
    if (this.running >= this.maxInFlight) return;
    if (this.pendingCount === 0) {
      if (this.running === 0) this.notifyIdle();
      return;
    }
    const oldest = Math.min(this.interactive[0]?.enqueuedAt ?? Infinity, this.bulk[0]?.enqueuedAt ?? Infinity);
    const waited = performance.now() - oldest;
    const flushNow = force || this.closed || this.idleWaiters.length > 0 || waited >= this.options.maxWaitMs || this.isFull();
    if (flushNow) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.runNext();
      this.schedule(force);
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, Math.max(0, this.options.maxWaitMs - waited));
    }
  }

  /** Budget of the next batch of `kind`: the plain token budget when it will carry interactive requests. */
  private budgetFor(kind: K): number {
    const interactive = this.interactive.some((entry) => entry.kind === kind);
    return interactive ? this.options.tokenBudget : this.options.tokenBudget * this.bulkBudgetFactor;
  }

  /** True when the pending requests of the next batch's kind already fill the budget. */
  private isFull(): boolean {
    const head = this.interactive[0] ?? this.bulk[0];
    if (head === undefined) return false;
    const budget = this.budgetFor(head.kind);
    let rows = 0;
    let longest = 0;
    for (const list of [this.interactive, this.bulk]) {
      for (const entry of list) {
        if (entry.kind !== head.kind) continue;
        rows += 1;
        longest = Math.max(longest, entry.tokens);
        if (rows * longest >= budget) return true;
      }
    }
    return false;
  }

  private async runNext(): Promise<void> {
    const batch = this.takeBatch();
    if (batch.length === 0) return;
    this.running += 1;
    const started = performance.now();
    const first = batch[0]!;
    const report: BatchReport<K> = {
      kind: first.kind,
      size: batch.length,
      paddedTokens: batch.length * Math.max(...batch.map((entry) => entry.tokens)),
      jobIds: [...new Set(batch.map((entry) => entry.jobId))],
      interactive: batch.filter((entry) => entry.priority === "interactive").length,
      pendingAfter: this.pendingCount,
      durationMs: 0,
    };
    try {
      const results = await this.options.run(first.kind, batch, report);
      if (results.length !== batch.length) {
        throw new Error(`The batch runner returned ${results.length} results for ${batch.length} requests.`);
      }
      report.durationMs = performance.now() - started;
      this.options.onBatch?.(report);
      batch.forEach((entry, i) => entry.resolve(results[i]!));
    } catch (cause) {
      const error = cause instanceof Error ? cause : new Error(String(cause));
      report.durationMs = performance.now() - started;
      this.options.onBatch?.(report, error);
      for (const entry of batch) entry.reject(error);
    } finally {
      this.running -= 1;
      this.schedule();
    }
  }

  /**
   * Removes the next batch from the queues: every interactive request of the head's kind that
   * fits, then the oldest bulk request and its nearest neighbours by length while rows times the
   * longest row stays within the budget. Taking the oldest first means no request starves.
   */
  private takeBatch(): Pending<K, Req, Res>[] {
    const head = this.interactive[0] ?? this.bulk[0];
    if (head === undefined) return [];
    const kind = head.kind;
    const budget = this.budgetFor(kind);
    const batch: Pending<K, Req, Res>[] = [];
    let longest = 0;
    const fits = (tokens: number) => batch.length === 0 || (batch.length + 1) * Math.max(longest, tokens) <= budget;
    const add = (entry: Pending<K, Req, Res>) => {
      batch.push(entry);
      longest = Math.max(longest, entry.tokens);
    };

    for (let i = 0; i < this.interactive.length; ) {
      const entry = this.interactive[i]!;
      if (entry.kind === kind && fits(entry.tokens)) {
        add(entry);
        this.interactive.splice(i, 1);
      } else {
        i += 1;
      }
    }

    const candidates = this.bulk.filter((entry) => entry.kind === kind);
    if (candidates.length === 0) return batch;
    const oldest = candidates[0]!;
    if (!fits(oldest.tokens)) return batch;
    const sorted = [...candidates].sort((a, b) => a.tokens - b.tokens);
    let low = sorted.indexOf(oldest);
    let high = low;
    add(oldest);
    const chosen = new Set<Pending<K, Req, Res>>([oldest]);
    // Grow outwards from the oldest request, always taking the neighbour closer in length,
    // so the batch pads as little as possible.
    while (true) {
      const below = sorted[low - 1];
      const above = sorted[high + 1];
      const belowFits = below !== undefined && fits(below.tokens);
      const aboveFits = above !== undefined && fits(above.tokens);
      if (!belowFits && !aboveFits) break;
      const takeBelow = belowFits && (!aboveFits || oldest.tokens - below.tokens <= above.tokens - oldest.tokens);
      const next = takeBelow ? below : above!;
      if (takeBelow) low -= 1;
      else high += 1;
      add(next);
      chosen.add(next);
    }
    for (let i = this.bulk.length - 1; i >= 0; i -= 1) {
      if (chosen.has(this.bulk[i]!)) this.bulk.splice(i, 1);
    }
    return batch;
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
