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
 * Estimates the tokens of a text, <s> and </s> included, for batch planning: one token per 4
 * UTF-16 code units, plus 2.
 * NOTE: an estimate. The full RoBERTa tokenizer averages 4.4 characters per token on
 * scripts/data/masked-1024.txt, so it runs about 9% high there, and other languages differ. The
 * engine packs session runs by the real token counts, so the estimate only changes how many
 * requests travel to the inference thread together.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4) + 2;
}
