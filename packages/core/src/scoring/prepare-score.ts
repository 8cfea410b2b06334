import { z } from "zod";
import type { MaskedTextTokenizer } from "../engine/masked-text-tokenizer.ts";
import type { Outcome, ScoreRequest, ScoreVariant } from "../engine/types.ts";
import { planScoreWindows, type ScoreWindow } from "./score-windows.ts";
import { excerptOf } from "./excerpt.ts";

/** The score variants, in the order the CLI and docs list them. */
export const SCORE_VARIANTS: readonly ScoreVariant[] = ["original", "within_word_l2r"];

/**
 * Default maximum tokens of one scored text (without <s> and </s>). A text of n tokens costs n
 * model inputs, each up to the model's window long, so this guards against a whole document
 * sent as one sentence.
 */
export const DEFAULT_MAX_SCORED_TOKENS = 2048;

/** A validated score request, encoded, with the window that scores each token. */
export interface PreparedScore {
  text: string;
  variant: ScoreVariant;
  /** Token ids of the whole text, without <s> and </s>. */
  contentIds: number[];
  /** Word index of each content token, from the tokenizer's pre-token boundaries. */
  wordIndices: number[];
  windows: ScoreWindow[];
  /** Index into `windows` for each content token. */
  windowOfToken: Uint32Array;
  /** Content tokens [scoredStart, scoredEnd) to score: all of them unless the request has a tokenRange. */
  scoredStart: number;
  scoredEnd: number;
  /** True when the request has a tokenRange, so the result reports its part. */
  partial: boolean;
  /** Log-probability of each content token, filled in as the batches run. */
  logProbs: Float64Array;
}

const tokenRangeSchema = z.strictObject({
  start: z.number().int().min(1),
  end: z.number().int(),
});

/** Limits that apply to every request of one scoring call. */
export interface ScoreLimits {
  /** Positions per model input, <s> and </s> included (512 for RoBERTa). */
  maxSequenceLength: number;
  /** Maximum content tokens of one text. */
  maxScoredTokens: number;
}

function fail(code: string, message: string): Outcome<PreparedScore> {
  return { ok: false, error: { code, message } };
}


/**
 * Validates and encodes one score request. Every problem becomes an error outcome for this
 * request only: a non-string text, an unknown variant, a text that is empty or only
 * whitespace (it would be scored from <s> and </s> alone), a text over the token limit, and a
 * tokenRange that is malformed or selects no token of the text.
 * Mask spellings such as "<mask>" are scored as the plain text they are.
 */
export function prepareScore(request: ScoreRequest, tokenizer: MaskedTextTokenizer, limits: ScoreLimits): Outcome<PreparedScore> {
  if (typeof request?.text !== "string") {
    return fail("invalid_text", `text must be a string; got ${request === null || request === undefined ? String(request) : typeof request.text}. Send the sentence to score as a string.`);
  }
  const text = request.text;

  const variant = request.variant ?? "original";
  if (!SCORE_VARIANTS.includes(variant)) {
    return fail("invalid_variant", `variant must be ${SCORE_VARIANTS.join(" or ")}; got ${JSON.stringify(variant)}.`);
  }

  if (text.trim() === "") {
    return fail("empty_text", `The text ${JSON.stringify(text)} is empty or only whitespace, so it has no tokens to score. Remove the line or put a sentence in it.`);
  }

  const encoded = tokenizer.encode(text, { recognizeMasks: false });
  const contentIds = encoded.ids.slice(1, -1);
  if (contentIds.length > limits.maxScoredTokens) {
    return fail(
      "text_too_long",
      `${JSON.stringify(excerptOf(text))} has ${contentIds.length} tokens; at most ${limits.maxScoredTokens} can be scored per text. Split it into sentences and score them separately.`,
    );
  }

  // Plain text has no masks, so only <s> and </s> lack a word index.
  const wordIndices = encoded.wordIndices.slice(1, -1).map((word) => word ?? -1);
  const scored = scoredTokens(request.tokenRange, contentIds.length);
  if (!scored.ok) {
    return { ok: false, error: scored.error };
  }
  const { windows, windowOfToken } = planScoreWindows(contentIds.length, limits.maxSequenceLength - 2, encoded.offsets.slice(1, -1));
  return {
    ok: true,
    value: {
      text,
      variant,
      contentIds,
      wordIndices,
      windows,
      windowOfToken,
      ...scored.value,
      partial: request.tokenRange !== undefined,
      logProbs: new Float64Array(contentIds.length),
    },
  };
}

/**
 * Validates a request's tokenRange against the text's `tokenCount` content tokens and returns
 * the content indices to score. Without a range, every token is scored.
 */
function scoredTokens(range: unknown, tokenCount: number): Outcome<{ scoredStart: number; scoredEnd: number }> {
  if (range === undefined) {
    return { ok: true, value: { scoredStart: 0, scoredEnd: tokenCount } };
  }
  const parsed = tokenRangeSchema.safeParse(range);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: "invalid_token_range", message: `tokenRange must be { start, end } with integer positions, start at least 1 (the first token after <s>); got ${JSON.stringify(range)}.` },
    };
  }
  const { start, end } = parsed.data;
  if (start > tokenCount || end <= start) {
    return {
      ok: false,
      error: { code: "invalid_token_range", message: `tokenRange { start: ${start}, end: ${end} } selects no token of a text with ${tokenCount} tokens (positions 1 to ${tokenCount}). Send a range with start < end and start <= ${tokenCount}.` },
    };
  }
  return { ok: true, value: { scoredStart: start - 1, scoredEnd: Math.min(end, tokenCount + 1) - 1 } };
}
