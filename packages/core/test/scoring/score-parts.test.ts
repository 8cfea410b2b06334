import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine, type Outcome, type ScoreRequest, type ScoreResult, type TokenRange } from "../../src/engine/index.ts";
import { mergeScoreParts } from "../../src/scoring/index.ts";
import { TINY_DIR } from "../engine/helpers.ts";
import { scored } from "./helpers.ts";

/** Splits positions 1..tokenCount into ranges of `size` tokens, the last one possibly shorter. */
function ranges(tokenCount: number, size: number): TokenRange[] {
  const result: TokenRange[] = [];
  for (let start = 1; start <= tokenCount; start += size) {
    result.push({ start, end: Math.min(start + size, tokenCount + 1) });
  }
  return result;
}

function errorOf(outcome: Outcome<ScoreResult> | undefined): { code: string; message: string } {
  if (outcome === undefined || outcome.ok) throw new Error("expected an error outcome");
  return outcome.error;
}

/** Requires every token and every sum of `merged` to equal `whole` exactly. */
function expectIdentical(merged: ScoreResult, whole: ScoreResult): void {
  expect(merged.tokens).toHaveLength(whole.tokens.length);
  merged.tokens.forEach((token, index) => {
    const reference = whole.tokens[index]!;
    expect(token.position).toBe(reference.position);
    expect(token.tokenId).toBe(reference.tokenId);
    expect(token.wordIndex).toBe(reference.wordIndex);
    expect(token.logProb, `position ${token.position}`).toBe(reference.logProb);
  });
  expect(merged.pll).toBe(whole.pll);
  expect(merged.tokenCount).toBe(whole.tokenCount);
  expect(merged.meanPll).toBe(whole.meanPll);
  expect(merged.pseudoPerplexity).toBe(whole.pseudoPerplexity);
  expect(merged.window).toBeNull();
  expect(merged.part).toBeUndefined();
}

describe("scoring in token ranges", () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await Engine.load({ modelDir: TINY_DIR });
  });
  afterAll(async () => {
    await engine.dispose();
  });

  // One window, and two windows of 510 tokens. Parts of 4 copies of 222 tokens are as many as
  // the engine's token budget of 1,024 takes, as the worker sizes them. Parts of 7 are not.
  const cases: { name: string; text: string; variant: ScoreRequest["variant"]; tokenCount: number; sizes: number[] }[] = [
    { name: "one window", text: "The ornithologist watched the birds fly over the lake. ".repeat(10).trim(), variant: "within_word_l2r", tokenCount: 220, sizes: [4, 7] },
    { name: "two windows", text: "The ornithologist watched the birds fly over the lake. ".repeat(24).trim(), variant: "original", tokenCount: 528, sizes: [7] },
  ];

  for (const { name, text, variant, tokenCount, sizes } of cases) {
    it(`merges to the whole result, ${name}`, async () => {
      const whole = scored((await engine.score([{ text, variant }]))[0]);
      expect(whole.tokenCount).toBe(tokenCount);

      for (const size of sizes) {
        const outcomes = await Promise.all(ranges(whole.tokenCount, size).map((tokenRange) => engine.score([{ text, variant, tokenRange }])));
        const parts = outcomes.map(([outcome]) => scored(outcome));
        expect(parts[0]!.part).toEqual({ start: 1, end: 1 + size, textTokenCount: whole.tokenCount });
        expectIdentical(mergeScoreParts(parts), whole);
      }
    });
  }

  it("sums a part over its own tokens", async () => {
    const text = "The cat sat on the mat.";
    const whole = scored((await engine.score([{ text }]))[0]);
    const part = scored((await engine.score([{ text, tokenRange: { start: 2, end: 4 } }]))[0]);
    expect(part.tokens.map((token) => token.position)).toEqual([2, 3]);
    expect(part.tokenCount).toBe(2);
    expect(part.pll).toBe(whole.tokens[1]!.logProb + whole.tokens[2]!.logProb);
    expect(part.part).toEqual({ start: 2, end: 4, textTokenCount: whole.tokenCount });
  });

  it("stops a range at the text's end", async () => {
    const text = "The cat sat on the mat.";
    const whole = scored((await engine.score([{ text }]))[0]);
    const part = scored((await engine.score([{ text, tokenRange: { start: 3, end: 1000 } }]))[0]);
    expect(part.part).toEqual({ start: 3, end: whole.tokenCount + 1, textTokenCount: whole.tokenCount });
    expect(part.tokens.map((token) => token.logProb)).toEqual(whole.tokens.slice(2).map((token) => token.logProb));
  });

  it("scores different ranges of one text in one call", async () => {
    const text = "The cat sat on the mat.";
    const [first, second] = await engine.score([
      { text, tokenRange: { start: 1, end: 3 } },
      { text, tokenRange: { start: 3, end: 100 } },
    ]);
    const whole = scored((await engine.score([{ text }]))[0]);
    expectIdentical(mergeScoreParts([scored(first), scored(second)]), whole);
  });

  it("rejects invalid token ranges", async () => {
    const text = "The cat sat on the mat.";
    const invalid: unknown[] = [{ start: 0, end: 3 }, { start: 1.5, end: 3 }, { start: 1 }, { start: 1, end: 3, step: 1 }, "1-3"];
    const outcomes = await engine.score(invalid.map((tokenRange) => ({ text, tokenRange }) as ScoreRequest));
    outcomes.forEach((outcome, index) => {
      const error = errorOf(outcome);
      expect(error.code, JSON.stringify(invalid[index])).toBe("invalid_token_range");
      expect(error.message).toContain("tokenRange must be { start, end } with integer positions, start at least 1");
    });

    const [empty, past] = await engine.score([
      { text, tokenRange: { start: 3, end: 3 } },
      { text, tokenRange: { start: 11, end: 12 } },
    ]);
    expect(errorOf(empty).message).toBe("tokenRange { start: 3, end: 3 } selects no token of a text with 10 tokens (positions 1 to 10). Send a range with start < end and start <= 10.");
    expect(errorOf(past).code).toBe("invalid_token_range");
  });
});

describe("mergeScoreParts", () => {
  const token = (position: number) => ({ position, tokenId: position, token: "x", wordIndex: position, logProb: -position });
  const part = (start: number, end: number, textTokenCount = 4): ScoreResult => {
    const tokens = [];
    for (let position = start; position < end; position += 1) tokens.push(token(position));
    return { text: "t", variant: "original", pll: 0, tokenCount: tokens.length, meanPll: 0, pseudoPerplexity: 1, tokens, window: null, part: { start, end, textTokenCount } };
  };

  it("merges contiguous parts", () => {
    const merged = mergeScoreParts([part(1, 3), part(3, 5)]);
    expect(merged.pll).toBe(-10);
    expect(merged.tokenCount).toBe(4);
  });

  it("rejects a gap", () => {
    expect(() => mergeScoreParts([part(1, 2), part(3, 5)])).toThrow("Score part 1 starts at position 3; the parts must continue at position 2.");
  });

  it("rejects missing last tokens", () => {
    expect(() => mergeScoreParts([part(1, 3)])).toThrow("The score parts end at position 3, but the text has 4 tokens, so the last part must end at 5.");
  });

  it("rejects parts of other texts", () => {
    expect(() => mergeScoreParts([part(1, 3), part(3, 5, 6)])).toThrow("Score part 1 is not a part of the same text and variant as part 0.");
  });

  it("rejects an empty list", () => {
    expect(() => mergeScoreParts([])).toThrow("mergeScoreParts needs at least one result of a request with a tokenRange.");
  });
});
