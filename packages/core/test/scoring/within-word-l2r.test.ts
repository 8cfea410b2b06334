import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine, logSumExp, type ScoreResult, type TokenScore } from "../../src/engine/index.ts";
import { makeMiniFp32Dir, scored } from "./helpers.ts";

// " ornithologist" is three tokens (" orn", "ith", "ologist") in the mini tokenizer; every
// other word, and the full stop, is one.
const SENTENCE = "The ornithologist saw the birds.";
const RARE_WORD = 1;

/** Groups token scores by word index. */
function byWord(tokens: readonly TokenScore[]): Map<number, TokenScore[]> {
  const words = new Map<number, TokenScore[]>();
  for (const token of tokens) {
    words.set(token.wordIndex, [...(words.get(token.wordIndex) ?? []), token]);
  }
  return words;
}

describe("within_word_l2r variant", () => {
  let modelDir: { dir: string; cleanup: () => Promise<void> };
  let engine: Engine;
  let original: ScoreResult;
  let l2r: ScoreResult;

  beforeAll(async () => {
    modelDir = await makeMiniFp32Dir();
    engine = await Engine.load({ modelDir: modelDir.dir });
    const outcomes = await engine.score([{ text: SENTENCE }, { text: SENTENCE, variant: "within_word_l2r" }]);
    original = scored(outcomes[0]);
    l2r = scored(outcomes[1]);
  });
  afterAll(async () => {
    await engine.dispose();
    await modelDir.cleanup();
  });

  it("names its variant and keeps the tokens", () => {
    expect(original.variant).toBe("original");
    expect(l2r.variant).toBe("within_word_l2r");
    expect(l2r.tokens.map((token) => token.tokenId)).toEqual(original.tokens.map((token) => token.tokenId));
    expect(l2r.tokens.map((token) => token.wordIndex)).toEqual(original.tokens.map((token) => token.wordIndex));
  });

  it("splits the rare word into three tokens", () => {
    const pieces = l2r.tokens.filter((token) => token.wordIndex === RARE_WORD).map((token) => token.token);
    expect(pieces).toEqual([" orn", "ith", "ologist"]);
    expect([...byWord(l2r.tokens).values()].filter((tokens) => tokens.length > 1)).toHaveLength(1);
  });

  it("scores the split word lower than original", () => {
    const wordSum = (result: ScoreResult) =>
      result.tokens.filter((token) => token.wordIndex === RARE_WORD).reduce((sum, token) => sum + token.logProb, 0);
    expect(wordSum(l2r)).toBeLessThan(wordSum(original));
    expect(l2r.pll).toBeLessThan(original.pll);
    expect(l2r.pseudoPerplexity).toBeGreaterThan(original.pseudoPerplexity);
  });

  it("scores single-token words identically", () => {
    const words = byWord(original.tokens);
    let compared = 0;
    original.tokens.forEach((token, k) => {
      if (words.get(token.wordIndex)!.length !== 1) return;
      expect(Math.abs(l2r.tokens[k]!.logProb - token.logProb), token.token).toBeLessThan(1e-5);
      compared += 1;
    });
    expect(compared).toBe(original.tokens.length - 3);
  });

  it("scores the last piece of a word identically", () => {
    const last = original.tokens.findIndex((token) => token.token === "ologist");
    expect(Math.abs(l2r.tokens[last]!.logProb - original.tokens[last]!.logProb)).toBeLessThan(1e-5);
  });

  it("matches hand-built masked inputs", async () => {
    // Masking by hand: " orn" with "ith" and "ologist" also masked, then "ith" with "ologist" masked.
    const ids = engine.tokenizer.encode(SENTENCE, { recognizeMasks: false }).ids;
    const first = l2r.tokens.find((token) => token.token === " orn")!.position;
    const mask = engine.tokenizer.maskTokenId;
    const inputs = [
      { inputIds: ids.map((id, p) => (p >= first && p <= first + 2 ? mask : id)), positions: [first] },
      { inputIds: ids.map((id, p) => (p >= first + 1 && p <= first + 2 ? mask : id)), positions: [first + 1] },
    ];
    const expected: number[] = [];
    await engine.runner.run(inputs, (requestIndex, _position, logits) => {
      expected[requestIndex] = logits[ids[first + requestIndex]!]! - logSumExp(logits);
    });
    const at = (position: number) => l2r.tokens.find((token) => token.position === position)!.logProb;
    expect(Math.abs(at(first) - expected[0]!)).toBeLessThan(1e-5);
    expect(Math.abs(at(first + 1) - expected[1]!)).toBeLessThan(1e-5);
    expect(Math.abs(at(first) - original.tokens.find((token) => token.position === first)!.logProb)).toBeGreaterThan(1e-3);
  });
});
