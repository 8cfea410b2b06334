import { describe, expect, it } from "vitest";
import { CorpusSummaryBuilder, EngineOptionError, summarizeScores } from "../../src/index.ts";

const E = Math.E;
// Sentence PPPL exp(-pll / N) of these four is e, e^2, e^3 and e^4.
const SCORES = [
  { pll: -2, tokenCount: 2 },
  { pll: -6, tokenCount: 3 },
  { pll: -3, tokenCount: 1 },
  { pll: -8, tokenCount: 2 },
];

function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(expected)));
}

describe("corpus score summary", () => {
  it("micro-averages the corpus PPPL", () => {
    const summary = summarizeScores(SCORES);
    expect(summary.sentences).toBe(4);
    expect(summary.tokens).toBe(8);
    expect(summary.totalPll).toBe(-19);
    close(summary.corpusPseudoPerplexity!, Math.exp(19 / 8));
  });

  it("describes the sentence PPPL distribution", () => {
    const distribution = summarizeScores(SCORES, { quantiles: [0, 0.25, 0.5, 1], histogramBins: 3 }).pseudoPerplexity!;
    expect(distribution.count).toBe(4);
    close(distribution.min, E);
    close(distribution.max, E ** 4);
    close(distribution.mean, (E + E ** 2 + E ** 3 + E ** 4) / 4);
    expect(distribution.quantiles.map((q) => q.quantile)).toEqual([0, 0.25, 0.5, 1]);
    close(distribution.quantiles[0]!.value, E);
    close(distribution.quantiles[1]!.value, E + 0.75 * (E ** 2 - E));
    close(distribution.quantiles[2]!.value, (E ** 2 + E ** 3) / 2);
    close(distribution.quantiles[3]!.value, E ** 4);
  });

  it("bins on a log scale", () => {
    const { histogram } = summarizeScores(SCORES, { histogramBins: 3 }).pseudoPerplexity!;
    expect(histogram.map((bin) => bin.count)).toEqual([1, 1, 2]);
    close(histogram[0]!.lower, E);
    close(histogram[0]!.upper, E ** 2);
    close(histogram[1]!.upper, E ** 3);
    close(histogram[2]!.upper, E ** 4);
  });

  it("uses one bin for equal values", () => {
    const { histogram, quantiles } = summarizeScores([{ pll: -4, tokenCount: 2 }, { pll: -2, tokenCount: 1 }]).pseudoPerplexity!;
    expect(histogram).toHaveLength(1);
    expect(histogram[0]!.count).toBe(2);
    close(histogram[0]!.lower, E ** 2);
    expect(quantiles.map((q) => q.quantile)).toEqual([0.05, 0.25, 0.5, 0.75, 0.95]);
  });

  it("returns nulls for no sentences", () => {
    expect(summarizeScores([])).toEqual({ sentences: 0, tokens: 0, totalPll: 0, corpusPseudoPerplexity: null, pseudoPerplexity: null });
  });

  it("keeps values that exp would overflow", () => {
    const summary = summarizeScores([{ pll: -800, tokenCount: 1 }, { pll: -1, tokenCount: 1 }]);
    expect(summary.pseudoPerplexity!.max).toBe(Number.POSITIVE_INFINITY);
    expect(summary.pseudoPerplexity!.histogram.reduce((sum, bin) => sum + bin.count, 0)).toBe(2);
    close(summary.pseudoPerplexity!.min, E);
  });

  it("accumulates past its first buffer", () => {
    const scores = Array.from({ length: 3000 }, (_, i) => ({ pll: -(i % 97) - 1, tokenCount: (i % 5) + 1 }));
    const builder = new CorpusSummaryBuilder();
    scores.forEach((score) => builder.add(score));
    expect(builder.summary()).toEqual(summarizeScores(scores));
    expect(builder.summary().sentences).toBe(3000);
    expect(builder.summary().pseudoPerplexity!.histogram.reduce((sum, bin) => sum + bin.count, 0)).toBe(3000);
  });

  it("rejects invalid sentence scores", () => {
    const builder = new CorpusSummaryBuilder();
    expect(() => builder.add({ pll: -1, tokenCount: 0 })).toThrow("tokenCount must be a positive integer; got 0.");
    expect(() => builder.add({ pll: Number.NaN, tokenCount: 2 })).toThrow("pll must be a finite number of at most 0 (a sum of log-probabilities); got NaN.");
    expect(() => builder.add({ pll: 0.5, tokenCount: 2 })).toThrow("got 0.5.");
    expect(builder.summary().sentences).toBe(0);
  });

  it("rejects invalid options", () => {
    expect(() => new CorpusSummaryBuilder({ quantiles: [1.5] })).toThrow(EngineOptionError);
    expect(() => new CorpusSummaryBuilder({ quantiles: [1.5] })).toThrow("quantiles must be numbers from 0 to 1; got 1.5.");
    expect(() => new CorpusSummaryBuilder({ histogramBins: 0 })).toThrow("histogramBins must be an integer from 1 to 1000; got 0.");
  });
});
