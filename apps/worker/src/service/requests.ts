import type { FillMaskRequest, ScoreRequest } from "@maskfill/core/engine";
import type { FillMaskOptions, JobKind, KindOptions, ScoreOptions } from "@maskfill/core/queue";

/** Engine request of one sentence for each inference kind. */
export type EngineRequest = FillMaskRequest | ScoreRequest;

/** Builds the engine request of one sentence from a job's validated options. */
export function toEngineRequest<K extends JobKind>(kind: K, text: string, options: KindOptions[K]): EngineRequest {
  if (kind === "fill-mask") {
    const fill = options as FillMaskOptions;
    return { text, topK: fill.topK, dropSpecialTokens: fill.dropSpecialTokens, ...(fill.targets === undefined ? {} : { targets: fill.targets }) };
  }
  return { text, variant: (options as ScoreOptions).variant };
}

/**
 * Returns the padded tokens a request adds to a batch, for the micro-batcher's token budget. A
 * fill-mask request is one sequence of `tokens` positions. A score request runs one masked copy
 * of its sequence per scored token (every token but <s> and </s>), so it costs about
 * tokens x (tokens - 2): counting it as one sequence made a corpus batch of roberta-large scoring
 * run for about four minutes, and a sentence submitted meanwhile waited that long.
 */
export function batchTokens(kind: JobKind, tokens: number): number {
  return kind === "score" ? tokens * Math.max(1, tokens - 2) : tokens;
}

/**
 * Returns how many masked copies (scored tokens) one part of a score request of `tokens` tokens
 * may have, or null when the whole request fits in `tokenBudget`. A larger request runs in parts
 * of that many copies, so that each part fits the budget, except that a copy longer than the
 * budget makes a part of its own.
 */
export function scorePartCopies(tokens: number, tokenBudget: number): number | null {
  if (batchTokens("score", tokens) <= tokenBudget) return null;
  return Math.max(1, Math.floor(tokenBudget / tokens));
}
