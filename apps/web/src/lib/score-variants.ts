/** PLL variants of the engine: `original` masks one token, `within_word_l2r` also masks the rest of its word. */
export const SCORE_VARIANTS = ["original", "within_word_l2r"] as const;
export type ScoreVariantName = (typeof SCORE_VARIANTS)[number];
