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
