/** Counters a worker publishes: batches, sentences, and throughput over a sliding window. */
export class WorkerMetrics {
  batches = 0;
  sentences = 0;
  failedSentences = 0;
  private readonly recent: { at: number; sentences: number }[] = [];

  constructor(private readonly windowMs = 60_000) {}

  /** Records one finished batch of `sentences` requests, `failed` of which returned an error outcome. */
  recordBatch(sentences: number, failed: number): void {
    this.batches += 1;
    this.sentences += sentences;
    this.failedSentences += failed;
    this.recent.push({ at: Date.now(), sentences });
    this.prune();
  }

  /** Sentences per second over the window (or since the first batch, when that is shorter). */
  throughput(): number {
    this.prune();
    const first = this.recent[0];
    if (first === undefined) return 0;
    const total = this.recent.reduce((sum, entry) => sum + entry.sentences, 0);
    const spanMs = Math.max(1_000, Date.now() - first.at);
    return Math.round((total / spanMs) * 1000 * 10) / 10;
  }

  private prune(): void {
    const cutoff = Date.now() - this.windowMs;
    while (this.recent.length > 0 && this.recent[0]!.at < cutoff) this.recent.shift();
  }
}
