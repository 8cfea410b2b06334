import type { EncodedText } from "./masked-text-tokenizer.ts";
import type { CharSpan } from "./types.ts";

/** The part of an encoded text that is fed to the model. */
export interface WindowedInput {
  /** Token ids with <s> and </s>, at most `maxLength` of them. */
  ids: number[];
  /** Token position of each mask inside `ids`. */
  maskPositions: number[];
  /** Character span of the input that `ids` covers; null when the whole text fits. */
  window: CharSpan | null;
}

/**
 * Cuts an encoded text that exceeds `maxLength` tokens (including <s> and </s>) down to a
 * window that contains every mask, centred on the masks and moved off partial words where
 * that keeps all masks inside. Returns null when the masks are too far apart for one window.
 */
export function fitWindow(encoded: EncodedText, maxLength: number): WindowedInput | null {
  const contentLength = encoded.ids.length - 2;
  const capacity = maxLength - 2;
  if (contentLength <= capacity) {
    return { ids: encoded.ids, maskPositions: encoded.maskPositions, window: null };
  }

  const firstMask = encoded.maskPositions[0] ?? 1;
  const lastMask = encoded.maskPositions[encoded.maskPositions.length - 1] ?? 1;
  const maskedLength = lastMask - firstMask + 1;
  if (maskedLength > capacity) {
    return null;
  }

  // Content tokens are positions 1..contentLength; the window is [start, end] inclusive.
  const slack = capacity - maskedLength;
  let start = Math.min(Math.max(1, firstMask - Math.floor(slack / 2)), contentLength - capacity + 1);
  let end = start + capacity - 1;

  const words = encoded.wordIndices;
  while (start < firstMask && words[start] !== null && words[start] === words[start - 1]) {
    start += 1;
  }
  while (end > lastMask && words[end] !== null && words[end] === words[end + 1]) {
    end -= 1;
  }

  const ids = [encoded.ids[0]!, ...encoded.ids.slice(start, end + 1), encoded.ids[encoded.ids.length - 1]!];
  const maskPositions = encoded.maskPositions.map((position) => position - start + 1);
  const window = { start: encoded.offsets[start]!.start, end: encoded.offsets[end]!.end };
  return { ids, maskPositions, window };
}
