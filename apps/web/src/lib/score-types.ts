/** JSON shapes of the scoring API; the browser code depends on these, not on the storage layout. */

/** Log-probability of one token of a scored sentence. */
export interface TokenScoreView {
  /** Position in the encoded sequence (0 is `<s>`, so real tokens start at 1). */
  position: number;
  tokenId: number;
  /** Decoded token text, with its leading space. */
  token: string;
  wordIndex: number;
  /** Natural-log probability of the token at its masked position. */
  logProb: number;
}

/** Scores of one sentence, as the engine returns them. */
export interface SentenceScoreValues {
  variant: string;
  pll: number;
  tokenCount: number;
  meanPll: number;
  /** exp(-pll / tokenCount); null when it exceeds the float64 range (JSON has no Infinity). */
  pseudoPerplexity: number | null;
}

/** One row of a score job: the item and its scores, which are null until the item is scored. */
export interface ScoreRowView {
  lineNumber: number;
  text: string;
  status: "pending" | "completed" | "failed";
  error: string | null;
  /** Code of `error`: a corpus parser code such as "invalid_utf8", or an engine code. */
  errorCode: string | null;
  model: string | null;
  score: SentenceScoreValues | null;
}

/** One sentence with its per-token values. */
export interface ScoreDetailView {
  row: ScoreRowView;
  tokens: TokenScoreView[];
}

export interface HistogramBinView {
  lower: number;
  upper: number;
  count: number;
}

/** Corpus figures of a score job, computed in SQL over its scored rows. */
export interface ScoreSummaryView {
  sentences: number;
  tokens: number;
  totalPll: number;
  /** Micro-averaged exp(-sum PLL / sum N); null without scored sentences. */
  corpusPseudoPerplexity: number | null;
  pseudoPerplexity: {
    min: number;
    max: number;
    mean: number;
    quantiles: { quantile: number; value: number }[];
    histogram: HistogramBinView[];
  } | null;
}

/** Outcome of one playground sentence, in request order. */
export type ScoredSentenceView =
  | { index: number; text: string; jobId: string; ok: true; score: SentenceScoreValues; tokens: TokenScoreView[] }
  | { index: number; text: string; jobId: string | null; ok: false; error: { code: string; message: string } };

export interface ScoreSentencesResponse {
  variant: string;
  results: ScoredSentenceView[];
  /** Time from the request's arrival to the last result, in milliseconds. */
  latencyMs: number;
}
