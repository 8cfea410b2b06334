import type { ScoredSentenceView } from "../../lib/score-types.ts";

/**
 * Surprisal (-log p, in nats) at which the heatmap colour is fully saturated. The scale is fixed,
 * not per sentence, so the same colour means the same surprisal in every heatmap on a page.
 * 10 nats is p ≈ 4.5e-5.
 */
export const MAX_SURPRISAL_NATS = 10;

/** Surprisal of a token in nats: the negated natural-log probability, never below 0. */
export function surprisal(logProb: number): number {
  return Math.max(0, -logProb);
}

/**
 * Background and text colour of a heatmap cell: from pale yellow (surprisal 0) to dark red at
 * MAX_SURPRISAL_NATS and above. Text turns white where the background gets dark enough that
 * black text would lose contrast.
 */
export function surprisalColors(logProb: number): { background: string; color: string; share: number } {
  const share = Math.min(1, surprisal(logProb) / MAX_SURPRISAL_NATS);
  const hue = Math.round(55 - 55 * share);
  const lightness = Math.round(92 - 52 * share);
  return { background: `hsl(${hue} 90% ${lightness}%)`, color: lightness < 55 ? "#fff" : "#1b1f24", share };
}

/**
 * Orders playground results from most to least natural: scored sentences by ascending PPPL
 * (ties by input order, an overflowed PPPL last), then failed sentences in input order.
 */
export function rankScoredSentences(results: readonly ScoredSentenceView[]): ScoredSentenceView[] {
  const pppl = (result: ScoredSentenceView) => (result.ok ? (result.score.pseudoPerplexity ?? Number.POSITIVE_INFINITY) : Number.NaN);
  return [...results].sort((left, right) => {
    if (left.ok !== right.ok) return left.ok ? -1 : 1;
    if (!left.ok) return left.index - right.index;
    const difference = pppl(left) - pppl(right);
    return difference === 0 || Number.isNaN(difference) ? left.index - right.index : difference;
  });
}

/** Formats a score value with 4 significant decimals, e.g. "-31.2046" or "86.4100"; "—" for null. */
export function formatScore(value: number | null | undefined, locale: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 4, maximumFractionDigits: 4 }).format(value);
}
