import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { findMasks, MaskedTextTokenizer } from "../../src/engine/index.ts";
import { loadTokenizer, readJsonLines, ROBERTA_TOKENIZER_DIR, TINY_DIR } from "./helpers.ts";

interface GoldenEncoding {
  text: string;
  ids: number[];
}

describe("MaskedTextTokenizer on the full-size RoBERTa tokenizer", () => {
  let tokenizer: MaskedTextTokenizer;

  beforeAll(async () => {
    tokenizer = await loadTokenizer(ROBERTA_TOKENIZER_DIR);
  });

  it("reads the special token ids", () => {
    expect(tokenizer.maskToken).toBe("<mask>");
    expect(tokenizer.maskTokenId).toBe(50260);
    expect(tokenizer.bosTokenId).toBe(0);
    expect(tokenizer.padTokenId).toBe(1);
    expect(tokenizer.eosTokenId).toBe(2);
    expect(tokenizer.vocabSize).toBe(50261);
    expect([...tokenizer.specialTokenIds].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 50260]);
  });

  it("matches every golden encoding", async () => {
    const golden = await readJsonLines<GoldenEncoding>(join(ROBERTA_TOKENIZER_DIR, "golden-encodings.jsonl"));
    expect(golden).toHaveLength(24);
    for (const reference of golden) {
      expect(tokenizer.encode(reference.text).ids, JSON.stringify(reference.text)).toEqual(reference.ids);
    }
  });

  it("covers unmasked text with offsets", async () => {
    const golden = await readJsonLines<GoldenEncoding>(join(ROBERTA_TOKENIZER_DIR, "golden-encodings.jsonl"));
    const unmasked = golden.filter(({ text }) => text !== "" && !text.includes("<mask>"));
    expect(unmasked.length).toBeGreaterThan(15);
    for (const { text } of unmasked) {
      const spans = tokenizer.encode(text).offsets.slice(1, -1);
      // Consecutive spans touch, or overlap by one code point when a token ends mid-character.
      expect(spans[0]!.start, JSON.stringify(text)).toBe(0);
      expect(spans.at(-1)!.end, JSON.stringify(text)).toBe(text.length);
      for (let i = 1; i < spans.length; i += 1) {
        expect(spans[i]!.start, JSON.stringify(text)).toBeLessThanOrEqual(spans[i - 1]!.end);
        expect(spans[i]!.start, JSON.stringify(text)).toBeGreaterThanOrEqual(spans[i - 1]!.start);
      }
    }
  });

  it("gives token spans of a simple sentence", () => {
    const text = "The cat sat on the <mask>.";
    const encoded = tokenizer.encode(text);
    expect(encoded.offsets.map((span) => text.slice(span.start, span.end))).toEqual(["", "The", " cat", " sat", " on", " the", "<mask>", ".", ""]);
    expect(encoded.maskPositions).toEqual([6]);
    expect(encoded.wordIndices).toEqual([null, 0, 1, 2, 3, 4, null, 5, null]);
  });

  it("keeps emoji spans whole", () => {
    const text = "Emoji 😀 here";
    const encoded = tokenizer.encode(text);
    const pieces = encoded.offsets.slice(1, -1).map((span) => text.slice(span.start, span.end));
    expect(pieces).toContain(" 😀");
    for (const piece of pieces) {
      // A lone surrogate would mean a span cut through the emoji.
      expect(piece).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });

  it("absorbs any whitespace before a mask", () => {
    const single = tokenizer.encode("two <mask> cats").ids;
    expect(tokenizer.encode("two   <mask> cats").ids).toEqual(single);
    expect(tokenizer.encode("two\t<mask> cats").ids).toEqual(single);
    expect(tokenizer.encode("two\u00a0<mask> cats").ids).toEqual(single);
  });

  it("accepts [MASK] in any letter case", () => {
    const expected = tokenizer.encode("The cat sat on the <mask>.").ids;
    for (const spelling of ["[MASK]", "[mask]", "[Mask]", "[mAsK]"]) {
      expect(tokenizer.encode(`The cat sat on the ${spelling}.`).ids, spelling).toEqual(expected);
    }
  });

  it("keeps literal special tokens as text", () => {
    for (const literal of ["<s>", "</s>", "<pad>", "<unk>"]) {
      const encoded = tokenizer.encode(`a ${literal} b <mask>`);
      const inner = encoded.ids.slice(1, -1);
      expect(inner.filter((id) => tokenizer.specialTokenIds.has(id)), literal).toEqual([tokenizer.maskTokenId]);
      expect(inner.length, literal).toBeGreaterThan(4);
    }
  });

  it("treats <MASK> and <mask > as plain text", () => {
    expect(tokenizer.encode("a <MASK> b").maskPositions).toEqual([]);
    expect(tokenizer.encode("a <mask > b").maskPositions).toEqual([]);
  });

  it("ignores masks when recognition is off", () => {
    const encoded = tokenizer.encode("a <mask> b", { recognizeMasks: false });
    expect(encoded.maskPositions).toEqual([]);
    expect(encoded.ids).not.toContain(tokenizer.maskTokenId);
  });

  it("decodes byte-level tokens to text", () => {
    const [id] = tokenizer.encodeWord(" cat");
    expect(id).toBe(3801);
    expect(tokenizer.decodeToken(3801)).toBe(" cat");
    expect(tokenizer.encodeWord("cat")).not.toEqual([3801]);
  });
});

describe("findMasks", () => {
  it("records whitespace absorbed by lstrip", () => {
    expect(findMasks("two   <mask> cats", "<mask>", { lstrip: true, rstrip: false })).toEqual([{ start: 6, end: 12, absorbedStart: 3, absorbedEnd: 12 }]);
  });

  it("stops lstrip at the previous mask", () => {
    const spans = findMasks("<mask> [MASK]", "<mask>", { lstrip: true, rstrip: true });
    expect(spans).toEqual([
      { start: 0, end: 6, absorbedStart: 0, absorbedEnd: 7 },
      { start: 7, end: 13, absorbedStart: 7, absorbedEnd: 13 },
    ]);
  });

  it("absorbs nothing without strip rules", () => {
    expect(findMasks("a <mask> b", "<mask>", { lstrip: false, rstrip: false })).toEqual([{ start: 2, end: 8, absorbedStart: 2, absorbedEnd: 8 }]);
  });
});

describe("MaskedTextTokenizer on the tiny tokenizer", () => {
  it("uses mask id 4, which is not the last id", async () => {
    const tokenizer = await loadTokenizer(TINY_DIR);
    expect(tokenizer.maskTokenId).toBe(4);
    expect(tokenizer.encode("Hello<mask>").ids.at(-2)).toBe(4);
  });
});
