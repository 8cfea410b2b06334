import type { ScoreResult, ScoreVariant, TokenScore } from "../engine/types.ts";

/**
 * Builds a score result from token scores in position order. The PLL is summed in float64 in
 * that order, so a text scored whole and the same text merged from parts get the same sums.
 */
export function summarizeTokenScores(text: string, variant: ScoreVariant, tokens: TokenScore[]): ScoreResult {
  let pll = 0;
  for (const token of tokens) {
    pll += token.logProb;
  }
  const tokenCount = tokens.length;
  const meanPll = pll / tokenCount;
  // The whole text is always scored, also when it needed several windows, so window stays null.
  return { text, variant, pll, tokenCount, meanPll, pseudoPerplexity: Math.exp(-meanPll), tokens, window: null };
}

/**
 * Merges the results of score requests with token ranges (ScoreResult.part) into the result of
 * the whole text. The parts must be of one text and variant and cover its tokens from position
 * 1 to the end in order, without gaps or overlaps. The merged result equals scoring the text
 * whole: the same tokens with the same log-probabilities, summed in the same order.
 *
 * Throws RangeError when the parts do not fit together that way.
 */
export function mergeScoreParts(parts: readonly ScoreResult[]): ScoreResult {
  const first = parts[0];
  if (first?.part === undefined) {
    throw new RangeError("mergeScoreParts needs at least one result of a request with a tokenRange.");
  }
  let next = 1;
  for (const [index, result] of parts.entries()) {
    const part = result.part;
    if (part === undefined || result.text !== first.text || result.variant !== first.variant || part.textTokenCount !== first.part.textTokenCount) {
      throw new RangeError(`Score part ${index} is not a part of the same text and variant as part 0.`);
    }
    if (part.start !== next) {
      throw new RangeError(`Score part ${index} starts at position ${part.start}; the parts must continue at position ${next}.`);
    }
    next = part.end;
  }
  if (next !== first.part.textTokenCount + 1) {
    throw new RangeError(`The score parts end at position ${next}, but the text has ${first.part.textTokenCount} tokens, so the last part must end at ${first.part.textTokenCount + 1}.`);
  }
  return summarizeTokenScores(first.text, first.variant, parts.flatMap((result) => result.tokens));
}
