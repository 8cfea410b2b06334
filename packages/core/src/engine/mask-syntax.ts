/** Position of one mask in the input text (UTF-16 offsets, end exclusive). */
export interface MaskSpan {
  /** Start of the mask as typed, e.g. the "<" of "<mask>" or the "[" of "[MASK]". */
  start: number;
  end: number;
  /** Start of the text the mask token consumes: `start` minus the whitespace its lstrip rule absorbs. */
  absorbedStart: number;
  /** End of the text the mask token consumes: `end` plus the whitespace its rstrip rule absorbs. */
  absorbedEnd: number;
}

/** Whitespace rule of the tokenizer's mask token (tokenizer.json `added_tokens`). */
export interface MaskStripRule {
  lstrip: boolean;
  rstrip: boolean;
}

// Unicode White_Space is the set that the Rust tokenizers crate strips (char::is_whitespace).
const WHITESPACE = /\p{White_Space}/u;

/** Spellings accepted as a mask besides the tokenizer's own mask token. */
export const TYPED_MASK_SPELLING = "[MASK]";

/**
 * Finds the masks in `text`: the tokenizer's mask token exactly as written, and "[MASK]" in
 * any letter case. Each span also records the whitespace that the strip rule absorbs, so that
 * "two <mask> cats" and "two   <mask> cats" encode alike.
 */
export function findMasks(text: string, maskToken: string, rule: MaskStripRule): MaskSpan[] {
  const pattern = new RegExp(`${escapeRegExp(maskToken)}|\\[[Mm][Aa][Ss][Kk]\\]`, "g");
  const spans: MaskSpan[] = [];
  for (const match of text.matchAll(pattern)) {
    const start = match.index;
    const end = start + match[0].length;
    spans.push({ start, end, absorbedStart: start, absorbedEnd: end });
  }

  for (let i = 0; i < spans.length; i += 1) {
    const span = spans[i]!;
    const previousEnd = i > 0 ? spans[i - 1]!.absorbedEnd : 0;
    if (rule.lstrip) {
      while (span.absorbedStart > previousEnd && WHITESPACE.test(text[span.absorbedStart - 1]!)) {
        span.absorbedStart -= 1;
      }
    }
    const nextStart = i + 1 < spans.length ? spans[i + 1]!.start : text.length;
    if (rule.rstrip) {
      while (span.absorbedEnd < nextStart && WHITESPACE.test(text[span.absorbedEnd]!)) {
        span.absorbedEnd += 1;
      }
    }
  }
  return spans;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
