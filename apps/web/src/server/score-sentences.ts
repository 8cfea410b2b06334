import { checkSentence, LimitExceededError } from "@maskfill/core/limits";
import type { MaskfillProducer } from "@maskfill/core/queue";
import type { ScoreVariantName } from "../lib/score-schemas.ts";
import type { ScoredSentenceView } from "../lib/score-types.ts";
import { authServices, limitToApiError } from "./auth/index.ts";
import { ApiError } from "./http/api-error.ts";
import { classifyProducerError } from "./http/producer-errors.ts";
import type { Translator } from "../i18n/translate.ts";
import { describeScoreError } from "./score-errors.ts";

/**
 * Checks each sentence's length against MASKFILL_MAX_SENTENCE_CHARS; throws a 422 ApiError whose
 * field is `sentences.<index>`. A typed `<mask>` is plain text to the scorer, so the mask cap of
 * fill-mask requests does not apply here.
 */
export function enforceScoreSentenceLimits(sentences: readonly string[]): void {
  const { limits } = authServices();
  for (const [index, text] of sentences.entries()) {
    try {
      checkSentence(text, { maxSentenceChars: limits.maxSentenceChars, maxMasks: Number.POSITIVE_INFINITY });
    } catch (error) {
      if (!(error instanceof LimitExceededError)) throw error;
      const apiError = limitToApiError(error);
      throw new ApiError(apiError.status, apiError.code, apiError.messageKey, apiError.params, { ...apiError.options, field: `sentences.${index}` });
    }
  }
}

/**
 * Queues one `score` job per sentence at once and waits for all of them. Engine errors (such as
 * a sentence over the token limit) come back as failed entries, so one bad sentence does not
 * hide the others. A timeout or a queue failure rejects the whole call with the ApiError of the
 * predict route, because then no result is complete. `t` translates the engine errors that have a catalog entry.
 */
export async function scoreSentences(
  producer: MaskfillProducer,
  sentences: readonly string[],
  variant: ScoreVariantName,
  timeoutMs: number,
  t: Translator,
  ownerId: string | null = null,
): Promise<ScoredSentenceView[]> {
  const outcomes = await Promise.all(
    sentences.map(async (text) => {
      try {
        return await producer.submitSentence({ kind: "score", text, options: { variant }, ownerId }, { timeoutMs });
      } catch (error) {
        throw classifyProducerError(error, { timeoutMs }) ?? error;
      }
    }),
  );
  return outcomes.map((outcome, index): ScoredSentenceView => {
    const text = sentences[index] ?? "";
    if (!outcome.ok) return { index, text, jobId: outcome.jobId, ok: false, error: { code: outcome.error.code, message: describeScoreError(outcome.error, text, t) } };
    const { value } = outcome;
    return {
      index,
      text,
      jobId: outcome.jobId,
      ok: true,
      score: {
        variant: value.variant,
        pll: value.pll,
        tokenCount: value.tokenCount,
        meanPll: value.meanPll,
        pseudoPerplexity: Number.isFinite(value.pseudoPerplexity) ? value.pseudoPerplexity : null,
      },
      tokens: value.tokens.map((token) => ({ position: token.position, tokenId: token.tokenId, token: token.token, wordIndex: token.wordIndex, logProb: token.logProb })),
    };
  });
}
