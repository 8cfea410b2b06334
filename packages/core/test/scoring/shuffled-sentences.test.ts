import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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

describe("bundled model prefers real sentences", () => {
  it("outscores word-shuffled copies 95+ of 100 times", async () => {
    const sentences = (await readFile(join(FIXTURES, "scoring/fortune-100.txt"), "utf8")).split("\n").filter((line) => line.trim() !== "");
    expect(sentences).toHaveLength(100);
    const shuffledCopies = sentences.map((sentence, i) => shuffleWords(sentence, 20_261_204 + i));

    const engine = await Engine.load({ modelDir: BUNDLED_MINI_DIR });
    try {
      expect(engine.info.variant).toBe("quantized");
      const outcomes = await engine.score([...sentences, ...shuffledCopies].map((text) => ({ text })));
      const results = outcomes.map(scored);
      const wins = sentences.filter((_, i) => results[i]!.pll > results[i + 100]!.pll).length;
      expect(wins).toBeGreaterThanOrEqual(95);
    } finally {
      await engine.dispose();
    }
  });
});
