import { EngineOptionError } from "../engine/errors.ts";

/** The fields of a sentence score that the corpus summary reads (a ScoreResult or a stored row). */
export interface SentenceScoreTotals {
  pll: number;
  tokenCount: number;
}

/** One histogram bin of sentence pseudo-perplexity: [lower, upper), the last bin includes upper. */
export interface HistogramBin {
  lower: number;
  upper: number;
  count: number;
}

/** A quantile of sentence pseudo-perplexity, e.g. { quantile: 0.5, value: 42.1 } for the median. */
export interface QuantileValue {
  quantile: number;
  value: number;
}

/** Distribution of sentence pseudo-perplexity over the scored sentences. */
export interface PseudoPerplexityDistribution {
  count: number;
  min: number;
  max: number;
  /** Arithmetic mean of the sentence values (the macro average). */
  mean: number;
  /** Linearly interpolated quantiles (numpy's default method), in the requested order. */
  quantiles: QuantileValue[];
  /** Bins of equal width in log(pseudo-perplexity) from min to max; one bin when all values are equal. */
  histogram: HistogramBin[];
}

/** Corpus-level figures of a set of scored sentences. */
export interface CorpusScoreSummary {
  sentences: number;
  /** Scored tokens, the sum of N over the sentences. */
  tokens: number;
  /** Sum of the sentence pseudo-log-likelihoods. */
  totalPll: number;
  /** Micro-averaged corpus pseudo-perplexity exp(-totalPll / tokens); null without sentences. */
  corpusPseudoPerplexity: number | null;
  /** Null without sentences. */
  pseudoPerplexity: PseudoPerplexityDistribution | null;
}

/** Options of the corpus summary. */
export interface SummaryOptions {
  /** Quantiles to report, each in [0, 1]; default DEFAULT_SUMMARY_QUANTILES. */
  quantiles?: readonly number[];
  /** Histogram bins, 1..1000; default 20. */
  histogramBins?: number;
}

export const DEFAULT_SUMMARY_QUANTILES: readonly number[] = [0.05, 0.25, 0.5, 0.75, 0.95];
export const DEFAULT_HISTOGRAM_BINS = 20;

/**
 * Accumulates sentence scores one at a time and summarises the corpus. It keeps one float64
 * per sentence (8 bytes) for the exact quantiles, and nothing else per sentence.
 */
export class CorpusSummaryBuilder {
  private logPppl = new Float64Array(1024);
  private count = 0;
  private tokens = 0;
  private totalPll = 0;
  private readonly quantiles: readonly number[];
  private readonly histogramBins: number;

  /** Throws EngineOptionError for a quantile outside [0, 1] or a bin count outside 1..1000. */
  constructor(options: SummaryOptions = {}) {
    this.quantiles = options.quantiles ?? DEFAULT_SUMMARY_QUANTILES;
    for (const quantile of this.quantiles) {
      if (typeof quantile !== "number" || !(quantile >= 0 && quantile <= 1)) {
        throw new EngineOptionError(`quantiles must be numbers from 0 to 1; got ${String(quantile)}.`);
      }
    }
    this.histogramBins = options.histogramBins ?? DEFAULT_HISTOGRAM_BINS;
    if (!Number.isInteger(this.histogramBins) || this.histogramBins < 1 || this.histogramBins > 1000) {
      throw new EngineOptionError(`histogramBins must be an integer from 1 to 1000; got ${String(this.histogramBins)}.`);
    }
  }

  /** Adds one sentence. Throws RangeError for a tokenCount below 1 or a PLL that is not a finite number of at most 0. */
  add(score: SentenceScoreTotals): void {
    if (!Number.isInteger(score.tokenCount) || score.tokenCount < 1) {
      throw new RangeError(`tokenCount must be a positive integer; got ${String(score.tokenCount)}.`);
    }
    if (!Number.isFinite(score.pll) || score.pll > 0) {
      throw new RangeError(`pll must be a finite number of at most 0 (a sum of log-probabilities); got ${String(score.pll)}.`);
    }
    if (this.count === this.logPppl.length) {
      const grown = new Float64Array(this.logPppl.length * 2);
      grown.set(this.logPppl);
      this.logPppl = grown;
    }
    // Kept as log(PPPL) = -PLL / N, which cannot overflow where exp(-PLL / N) would.
    this.logPppl[this.count] = -score.pll / score.tokenCount;
    this.count += 1;
    this.tokens += score.tokenCount;
    this.totalPll += score.pll;
  }

  /** Returns the summary of the sentences added so far; the builder can keep accumulating. */
  summary(): CorpusScoreSummary {
    if (this.count === 0) {
      return { sentences: 0, tokens: 0, totalPll: 0, corpusPseudoPerplexity: null, pseudoPerplexity: null };
    }
    const sorted = this.logPppl.slice(0, this.count).sort();
    return {
      sentences: this.count,
      tokens: this.tokens,
      totalPll: this.totalPll,
      corpusPseudoPerplexity: Math.exp(-this.totalPll / this.tokens),
      pseudoPerplexity: distribution(sorted, this.quantiles, this.histogramBins),
    };
  }
}

/** Summarises a whole set of sentence scores at once (see CorpusSummaryBuilder). */
export function summarizeScores(scores: Iterable<SentenceScoreTotals>, options: SummaryOptions = {}): CorpusScoreSummary {
  const builder = new CorpusSummaryBuilder(options);
  for (const score of scores) {
    builder.add(score);
  }
  return builder.summary();
}

/** Builds the distribution from ascending log(PPPL) values. */
function distribution(sortedLog: Float64Array, quantiles: readonly number[], binCount: number): PseudoPerplexityDistribution {
  const count = sortedLog.length;
  let sum = 0;
  for (const value of sortedLog) {
    sum += Math.exp(value);
  }
  const minLog = sortedLog[0]!;
  const maxLog = sortedLog[count - 1]!;
  return {
    count,
    min: Math.exp(minLog),
    max: Math.exp(maxLog),
    mean: sum / count,
    quantiles: quantiles.map((quantile) => ({ quantile, value: interpolatedQuantile(sortedLog, quantile) })),
    histogram: logHistogram(sortedLog, minLog, maxLog, binCount),
  };
}

/** Interpolates linearly between the two nearest sentence PPPL values, as numpy.quantile does by default. */
function interpolatedQuantile(sortedLog: Float64Array, quantile: number): number {
  const rank = quantile * (sortedLog.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sortedLog.length - 1);
  const lower = Math.exp(sortedLog[below]!);
  const upper = Math.exp(sortedLog[above]!);
  return lower + (rank - below) * (upper - lower);
}

function logHistogram(sortedLog: Float64Array, minLog: number, maxLog: number, binCount: number): HistogramBin[] {
  if (minLog === maxLog) {
    return [{ lower: Math.exp(minLog), upper: Math.exp(maxLog), count: sortedLog.length }];
  }
  const width = (maxLog - minLog) / binCount;
  const counts = new Array<number>(binCount).fill(0);
  for (const value of sortedLog) {
    const bin = Math.min(binCount - 1, Math.floor((value - minLog) / width));
    counts[bin]! += 1;
  }
  return counts.map((count, bin) => ({
    lower: Math.exp(minLog + bin * width),
    upper: bin === binCount - 1 ? Math.exp(maxLog) : Math.exp(minLog + (bin + 1) * width),
    count,
  }));
}
