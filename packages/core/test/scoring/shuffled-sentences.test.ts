import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/index.ts";
import { BUNDLED_MINI_DIR, FIXTURES, shuffled } from "../engine/helpers.ts";
import { scored } from "./helpers.ts";

/** Shuffles the words of a sentence, trying further seeds while the order stays unchanged. */
function shuffleWords(sentence: string, seed: number): string {
  const words = sentence.split(/\s+/).filter((word) => word !== "");
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const candidate = shuffled(words, seed + attempt * 1_000).join(" ");
    if (candidate !== words.join(" ")) return candidate;
  }
  throw new Error(`Cannot shuffle ${JSON.stringify(sentence)}: all its words are equal.`);
}

describe("scoring on the bundled int8 model", () => {
  let engine: Engine;
  let sentences: string[];

  beforeAll(async () => {
    engine = await Engine.load({ modelDir: BUNDLED_MINI_DIR });
    sentences = (await readFile(join(FIXTURES, "scoring/fortune-100.txt"), "utf8")).split("\n").filter((line) => line.trim() !== "");
  });
  afterAll(async () => {
    await engine.dispose();
  });

  it("outscores word-shuffled copies 95+ of 100 times", async () => {
    expect(engine.info.variant).toBe("quantized");
    expect(sentences).toHaveLength(100);
    const shuffledCopies = sentences.map((sentence, i) => shuffleWords(sentence, 20_261_204 + i));
    const outcomes = await engine.score([...sentences, ...shuffledCopies].map((text) => ({ text })));
    const results = outcomes.map(scored);
    const wins = sentences.filter((_, i) => results[i]!.pll > results[i + 100]!.pll).length;
    expect(wins).toBeGreaterThanOrEqual(95);
    // The int8 graph runs each of the 4,000+ masked copies alone, which takes 30 s or more on 2 cores.
  }, 180_000);

  it("scores a sentence the same alone or in a call", async () => {
    const text = sentences[2]!;
    const [alone] = await engine.score([{ text }]);
    const together = await engine.score([{ text: sentences[0]! }, { text }, { text: sentences[1]! }]);
    expect(scored(together[1]).tokens.map((token) => token.logProb)).toEqual(scored(alone).tokens.map((token) => token.logProb));
  });
});
