export { scoreTexts, DEFAULT_SCORE_CHUNK_TOKENS, type ScoringModel, type ScoringOptions } from "./score-texts.ts";
export { prepareScore, SCORE_VARIANTS, DEFAULT_MAX_SCORED_TOKENS, type PreparedScore, type ScoreLimits } from "./prepare-score.ts";
export { planScoreWindows, type ScoreWindow } from "./score-windows.ts";
export { excerptOf } from "./excerpt.ts";
export { mergeScoreParts, summarizeTokenScores } from "./score-parts.ts";
export {
  CorpusSummaryBuilder,
  summarizeScores,
  DEFAULT_SUMMARY_QUANTILES,
  DEFAULT_HISTOGRAM_BINS,
  type CorpusScoreSummary,
  type PseudoPerplexityDistribution,
  type HistogramBin,
  type QuantileValue,
  type SentenceScoreTotals,
  type SummaryOptions,
} from "./corpus-summary.ts";
