import type { MaskSpan } from "./mask-syntax.ts";
import { TYPED_MASK_SPELLING } from "./mask-syntax.ts";
import type { MaskedTextTokenizer } from "./masked-text-tokenizer.ts";
import { fitWindow } from "./sequence-window.ts";
import type { CharSpan, EngineItemError, FillMaskRequest, Outcome, RejectedTarget } from "./types.ts";

/** Default number of predictions per mask, as in the Hugging Face fill-mask pipeline. */
export const DEFAULT_TOP_K = 5;

/** Default maximum masks in one text. */
export const DEFAULT_MAX_MASKS_PER_TEXT = 16;

/** Limits that apply to every request of an engine. */
export interface FillMaskLimits {
  maxMasksPerText: number;
  maxSequenceLength: number;
}

/** A validated request, encoded and ready to run. */
export interface PreparedFillMask {
  text: string;
  ids: number[];
  maskPositions: number[];
  masks: MaskSpan[];
  topK: number;
  /** Candidate ids when `targets` was given, else null (whole vocabulary). */
  candidateIds: number[] | null;
  rejectedTargets: RejectedTarget[] | null;
  dropSpecialTokens: boolean;
  window: CharSpan | null;
}

function fail(code: string, message: string): Outcome<PreparedFillMask> {
  return { ok: false, error: { code, message } };
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/** Validates and encodes one request; every problem becomes an error outcome for this request only. */
export function prepareFillMask(request: FillMaskRequest, tokenizer: MaskedTextTokenizer, limits: FillMaskLimits): Outcome<PreparedFillMask> {
  if (typeof request?.text !== "string") {
    return fail("invalid_text", `text must be a string; got ${typeof request?.text}. Send the sentence to fill as a string.`);
  }
  const text = request.text;

  const topK = request.topK ?? DEFAULT_TOP_K;
  if (typeof topK !== "number" || !Number.isInteger(topK) || topK < 1 || topK > tokenizer.vocabSize) {
    return fail("invalid_top_k", `topK must be an integer from 1 to ${tokenizer.vocabSize} (the vocabulary size); got ${String(topK)}.`);
  }

  const dropSpecialTokens = request.dropSpecialTokens ?? true;
  if (typeof dropSpecialTokens !== "boolean") {
    return fail("invalid_drop_special_tokens", `dropSpecialTokens must be true or false; got ${String(dropSpecialTokens)}.`);
  }

  const encoded = tokenizer.encode(text);
  if (encoded.masks.length === 0) {
    return fail("no_mask", `No mask found in ${quote(text)}. Mark each word to predict with ${tokenizer.maskToken} or ${TYPED_MASK_SPELLING} (any letter case), e.g. "The cat sat on the ${tokenizer.maskToken}."`);
  }
  if (encoded.masks.length > limits.maxMasksPerText) {
    return fail("too_many_masks", `The text has ${encoded.masks.length} masks; at most ${limits.maxMasksPerText} are allowed per text. Split the text into several requests.`);
  }

  const windowed = fitWindow(encoded, limits.maxSequenceLength);
  if (windowed === null) {
    return fail("masks_exceed_window", `The masks of ${quote(text)} span more than ${limits.maxSequenceLength} tokens (${limits.maxSequenceLength - 2} plus <s> and </s>), so no single window of the model contains them all. Split the text so that masks that belong together are closer.`);
  }

  let candidateIds: number[] | null = null;
  let rejectedTargets: RejectedTarget[] | null = null;
  if (request.targets !== undefined) {
    const resolved = resolveTargets(request.targets, tokenizer);
    if (!resolved.ok) {
      return { ok: false, error: resolved.error };
    }
    candidateIds = resolved.value.candidateIds;
    rejectedTargets = resolved.value.rejected;
  }

  return {
    ok: true,
    value: {
      text,
      ids: windowed.ids,
      maskPositions: windowed.maskPositions,
      masks: encoded.masks,
      topK: candidateIds === null ? topK : Math.min(topK, candidateIds.length),
      candidateIds,
      rejectedTargets,
      dropSpecialTokens,
      window: windowed.window,
    },
  };
}

/**
 * Encodes each target as written (" cat" with its leading space is the token "Ġcat"). A target
 * of several tokens is rejected with a reason rather than cut to its first token, which is
 * what the Hugging Face pipeline does.
 */
function resolveTargets(targets: unknown, tokenizer: MaskedTextTokenizer): Outcome<{ candidateIds: number[]; rejected: RejectedTarget[] }> {
  if (!Array.isArray(targets) || targets.length === 0) {
    return { ok: false, error: { code: "invalid_targets", message: "targets must be a non-empty list of words, e.g. [\" cat\", \" dog\"]; omit it to rank the whole vocabulary." } };
  }
  const candidateIds: number[] = [];
  const rejected: RejectedTarget[] = [];
  for (const target of targets as unknown[]) {
    if (typeof target !== "string" || target.length === 0) {
      rejected.push({ target: String(target), reason: "A target must be a non-empty string." });
      continue;
    }
    const ids = tokenizer.encodeWord(target);
    if (ids.length !== 1) {
      const pieces = ids.map((id) => JSON.stringify(tokenizer.decodeToken(id))).join(" + ");
      const spaced = target.startsWith(" ") ? "" : ` Words inside a sentence usually start with a space: try ${JSON.stringify(` ${target}`)}.`;
      rejected.push({ target, reason: `${JSON.stringify(target)} is ${ids.length} tokens (${pieces}); only single-token targets can be scored at one mask.${spaced}` });
      continue;
    }
    if (!candidateIds.includes(ids[0]!)) {
      candidateIds.push(ids[0]!);
    }
  }
  if (candidateIds.length === 0) {
    const error: EngineItemError = {
      code: "invalid_targets",
      message: `None of the targets is a single token: ${rejected.map((r) => r.reason).join(" ")}`,
    };
    return { ok: false, error };
  }
  return { ok: true, value: { candidateIds, rejected } };
}
