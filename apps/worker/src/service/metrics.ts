/** Latency of recent inference batches, in milliseconds. */
export interface BatchLatency {
  /** Batches in the window that the quantiles cover. */
  count: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Counters a worker publishes: batches, sentences, inference time, and throughput and batch
 * latency over a sliding window.
 */
export class WorkerMetrics {
  batches = 0;
  sentences = 0;
  failedSentences = 0;
  /** Inference time of all batches since the worker started, in milliseconds. */
  inferenceMs = 0;
  private readonly recent: { at: number; sentences: number; latencyMs: number }[] = [];

  constructor(
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Records one finished batch of `sentences` requests, `failed` of which returned an error
   * outcome, that spent `latencyMs` in inference.
   */
  recordBatch(sentences: number, failed: number, latencyMs: number): void {
    this.batches += 1;
    this.sentences += sentences;
    this.failedSentences += failed;
    this.inferenceMs += latencyMs;
    this.recent.push({ at: this.now(), sentences, latencyMs });
    this.prune();
  }

  /** Sentences per second over the window (or since the first batch, when that is shorter). */
  throughput(): number {
    this.prune();
    const first = this.recent[0];
    if (first === undefined) return 0;
    const total = this.recent.reduce((sum, entry) => sum + entry.sentences, 0);
    const spanMs = Math.max(1_000, this.now() - first.at);
    return Math.round((total / spanMs) * 1000 * 10) / 10;
  }

  /** Median and 99th-percentile batch latency over the window (nearest rank), or null without batches. */
  latency(): BatchLatency | null {
    this.prune();
    if (this.recent.length === 0) return null;
    const sorted = this.recent.map((entry) => entry.latencyMs).sort((a, b) => a - b);
    return { count: sorted.length, p50Ms: nearestRank(sorted, 0.5), p99Ms: nearestRank(sorted, 0.99) };
  }

  private prune(): void {
    const cutoff = this.now() - this.windowMs;
    while (this.recent.length > 0 && this.recent[0]!.at < cutoff) this.recent.shift();
  }
}

/** Returns the nearest-rank quantile of ascending `sorted` values. */
function nearestRank(sorted: number[], quantile: number): number {
  const index = Math.max(0, Math.ceil(quantile * sorted.length) - 1);
  return Math.round(sorted[index]! * 100) / 100;
}
