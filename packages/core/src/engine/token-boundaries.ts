import type { CharSpan } from "./types.ts";

/**
 * Maximum token boundaries inside one character: a character is at most 4 UTF-8
 * bytes, and a byte-level BPE token is at least one byte.
 */
export const MAX_BOUNDARIES_INSIDE_CHARACTER = 3;

/**
 * Tells whether cutting between tokens `index - 1` and `index` keeps every character whole.
 * A token that ends inside a multi-byte character has the span of the whole character (see
 * MaskedTextTokenizer.encode), so such a cut shows as the earlier span ending after the later
 * one starts. The first and last cuts of `offsets` are always whole.
 */
export function isCharacterBoundary(offsets: readonly CharSpan[], index: number): boolean {
  const before = offsets[index - 1];
  const after = offsets[index];
  if (before === undefined || after === undefined) {
    return true;
  }
  return before.end <= after.start;
}

/**
 * Returns the first cut in [index, limit] that keeps characters whole, searching at most
 * MAX_BOUNDARIES_INSIDE_CHARACTER cuts ahead, or `index` itself when there is none: without
 * exact token offsets every token of a text segment has the whole segment's span.
 */
export function nextCharacterBoundary(offsets: readonly CharSpan[], index: number, limit: number): number {
  const last = Math.min(limit, index + MAX_BOUNDARIES_INSIDE_CHARACTER);
  for (let cut = index; cut <= last; cut += 1) {
    if (isCharacterBoundary(offsets, cut)) {
      return cut;
    }
  }
  return index;
}

/** Returns the last cut in [limit, index] that keeps characters whole, searching backwards as nextCharacterBoundary searches forwards. */
export function previousCharacterBoundary(offsets: readonly CharSpan[], index: number, limit: number): number {
  const last = Math.max(limit, index - MAX_BOUNDARIES_INSIDE_CHARACTER);
  for (let cut = index; cut >= last; cut -= 1) {
    if (isCharacterBoundary(offsets, cut)) {
      return cut;
    }
  }
  return index;
}
