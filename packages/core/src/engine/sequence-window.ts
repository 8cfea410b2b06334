import type { EncodedText } from "./masked-text-tokenizer.ts";
import { nextCharacterBoundary, previousCharacterBoundary } from "./token-boundaries.ts";
import type { CharSpan } from "./types.ts";

/**
 * Maximum tokens a window gives up at one edge so that it does not start or end inside a word.
 * Ordinary words are shorter. A longer word (a run of CJK characters or emoji without spaces,
 * a long number) is cut inside instead, so that it still gives the masks its context.
 */
export const MAX_DROPPED_WORD_TOKENS = 16;

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
 * window that contains every mask, centred on the masks. Each edge that falls inside a word
 * moves inwards to the word's boundary when that drops at most MAX_DROPPED_WORD_TOKENS tokens
 * and keeps all masks inside. Otherwise the edge stays inside the word, at the nearest token
 * boundary that is also a character boundary. Returns null when the masks are too far apart
 * for one window.
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

  start = trimStart(encoded, start, firstMask);
  end = trimEnd(encoded, end, lastMask);

  const ids = [encoded.ids[0]!, ...encoded.ids.slice(start, end + 1), encoded.ids[encoded.ids.length - 1]!];
  const maskPositions = encoded.maskPositions.map((position) => position - start + 1);
  const window = { start: encoded.offsets[start]!.start, end: encoded.offsets[end]!.end };
  return { ids, maskPositions, window };
}

/** Moves the first token of a window off a partial word, or onto a character boundary inside a long word. */
function trimStart(encoded: EncodedText, start: number, firstMask: number): number {
  const words = encoded.wordIndices;
  let wordStart = start;
  while (wordStart < firstMask && words[wordStart] !== null && words[wordStart] === words[wordStart - 1]) {
    wordStart += 1;
  }
  if (wordStart - start <= MAX_DROPPED_WORD_TOKENS) {
    return wordStart;
  }
  return nextCharacterBoundary(encoded.offsets, start, firstMask);
}

/** Moves the last token of a window off a partial word, or onto a character boundary inside a long word. */
function trimEnd(encoded: EncodedText, end: number, lastMask: number): number {
  const words = encoded.wordIndices;
  let wordEnd = end;
  while (wordEnd > lastMask && words[wordEnd] !== null && words[wordEnd] === words[wordEnd + 1]) {
    wordEnd -= 1;
  }
  if (end - wordEnd <= MAX_DROPPED_WORD_TOKENS) {
    return wordEnd;
  }
  // Cut indices count the cut before each token, so the cut after `end` is end + 1.
  return previousCharacterBoundary(encoded.offsets, end + 1, lastMask + 1) - 1;
}
