import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/index.ts";
import { ModelLoadError } from "../../src/engine/errors.ts";
import { estimateTokens, TokenCounter } from "../../src/engine/token-counter.ts";
import { BUNDLED_MINI_DIR, TINY_DIR } from "./helpers.ts";

const TEXTS = [
  "The capital of France is <mask>.",
  "Two masks: <mask> and [MASK] here.",
  "Antidisestablishmentarianism is a <mask> word, isn't it?",
  "  Leading spaces<mask>and no spaces around the mask.",
  "中文 <mask> 句子 😀",
];

describe("TokenCounter", () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await Engine.load({ modelDir: TINY_DIR });
  });

  afterAll(async () => {
    await engine.dispose();
  });

  it("counts what the engine encodes", async () => {
    const counter = await TokenCounter.load(TINY_DIR);
    const outcomes = await engine.fillMask(TEXTS.map((text) => ({ text, topK: 1 })));
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok) throw new Error(`unexpected error for ${TEXTS[i]}: ${outcome.error.message}`);
      expect(counter.count(TEXTS[i]!), TEXTS[i]).toBe(outcome.value.tokenCount);
    });
  });

  it("counts a long text as the maximum length", async () => {
    const counter = await TokenCounter.load(BUNDLED_MINI_DIR);
    expect(counter.maxSequenceLength).toBe(512);
    expect(counter.count("word ".repeat(1_000))).toBe(512);
    expect(counter.count("x".repeat(30_000))).toBe(512);
  });

  it("estimates from the length without a tokenizer", () => {
    expect(estimateTokens("")).toBe(2);
    expect(estimateTokens("abcdefgh")).toBe(4);
    expect(estimateTokens("abcdefghi")).toBe(5);
  });

  it("rejects a folder without a model", async () => {
    await expect(TokenCounter.load("/nonexistent/model-dir")).rejects.toBeInstanceOf(ModelLoadError);
  });
});
