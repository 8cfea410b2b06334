/**
 * Micro-batcher that merges inference requests from every job the worker is processing into
 * length-grouped batches under a padded-token budget.
 *
 * Interactive requests (single sentences) always go into the next batch before any corpus
 * request, so a sentence waits for at most the `maxInFlight` batches already running. A batch
 * runs when its requests fill the budget or when the oldest pending request has waited `maxWaitMs`.
 * A request too large for one batch can run in parts (submitParts), so that it holds up other
 * requests for one part at a time.
 */

import { BatcherClosedError, type BatchEntry, type BatchReport, type MicroBatcherOptions, type SubmittedEntry } from "./batch-types.ts";

export { BatcherClosedError, type BatchEntry, type BatchReport, type MicroBatcherOptions, type Priority, type SubmittedEntry } from "./batch-types.ts";

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

  /** Maximum padded tokens per batch that carries interactive requests. */
  get tokenBudget(): number {
    return this.options.tokenBudget;
  }

  /** Number of requests waiting for a batch (not counting batches that are running). */
  get pendingCount(): number {
    return this.interactive.length + this.bulk.length;
  }

  /** Queues one request and resolves with its result once its batch has run. */
  submit(entry: SubmittedEntry<K, Req>): Promise<Res> {
    if (this.closed) return Promise.reject(new BatcherClosedError("The batcher is closed; the worker is shutting down."));
    return new Promise<Res>((resolve, reject) => {
      this.enqueue({ ...entry, enqueuedAt: performance.now(), resolve, reject });
    });
  }

  /**
   * Runs one request as a sequence of parts and resolves with their results in order. Only one
   * part is in the batcher at a time: when a part has run, `nextPart` receives its result and
   * returns the next part, or null when the request is done. Each later part joins the back of
   * its queue, so requests submitted meanwhile run before it. It counts as having waited
   * `maxWaitMs` already, so it does not wait for its batch to fill. Rejects when a part's batch
   * fails or `nextPart` throws, and queues no further part then.
   */
  submitParts(first: SubmittedEntry<K, Req>, nextPart: (result: Res) => SubmittedEntry<K, Req> | null): Promise<Res[]> {
    if (this.closed) return Promise.reject(new BatcherClosedError("The batcher is closed; the worker is shutting down."));
    return new Promise<Res[]>((resolve, reject) => {
      const results: Res[] = [];
      // The next part is queued from inside the finished batch's resolve call, before the batcher
      // schedules its next batch, so the batcher never looks idle between two parts.
      const queuePart = (entry: SubmittedEntry<K, Req>) => {
        const onResult = (result: Res) => {
          results.push(result);
          let next: SubmittedEntry<K, Req> | null;
          try {
            next = nextPart(result);
          } catch (cause) {
            reject(cause instanceof Error ? cause : new Error(String(cause)));
            return;
          }
          if (next === null) resolve(results);
          else queuePart(next);
        };
        const enqueuedAt = results.length === 0 ? performance.now() : performance.now() - this.options.maxWaitMs;
        this.enqueue({ ...entry, enqueuedAt, resolve: onResult, reject });
      };
      queuePart(first);
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

  private enqueue(pending: Pending<K, Req, Res>): void {
    (pending.priority === "interactive" ? this.interactive : this.bulk).push(pending);
    this.schedule();
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
