import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine, type LogitsRequest, type LogitsVisitor, type ScoreRequest, type ScoreResult } from "../../src/engine/index.ts";
import { scoreTexts, type ScoringModel } from "../../src/scoring/index.ts";
import { readJsonLines, TINY_DIR } from "../engine/helpers.ts";
import { scored, type GoldenPll } from "./helpers.ts";

/** Largest difference between two lists of results, over every token log-probability and PLL. */
function maxDifference(left: ScoreResult[], right: ScoreResult[]): number {
  let max = 0;
  left.forEach((result, i) => {
    const other = right[i]!;
    expect(other.tokens.map((token) => token.tokenId)).toEqual(result.tokens.map((token) => token.tokenId));
    max = Math.max(max, Math.abs(result.pll - other.pll));
    result.tokens.forEach((token, k) => {
      max = Math.max(max, Math.abs(token.logProb - other.tokens[k]!.logProb));
    });
  });
  return max;
}

/** Wraps the engine's real runner so that each run call's inputs are recorded in `calls`. */
function recordingModel(engine: Engine, calls: LogitsRequest[][]): ScoringModel {
  return {
    tokenizer: engine.tokenizer,
    maxSequenceLength: engine.info.maxSequenceLength,
    runner: {
      run(inputs: readonly LogitsRequest[], visit: LogitsVisitor) {
        calls.push([...inputs]);
        return engine.runner.run(inputs, visit);
      },
    },
  };
}

describe("scoring chunks and batches", () => {
  let engine: Engine;
  let requests: ScoreRequest[];

  beforeAll(async () => {
    engine = await Engine.load({ modelDir: TINY_DIR });
    const golden = await readJsonLines<GoldenPll>(join(TINY_DIR, "golden/pll.jsonl"));
    requests = golden.slice(0, 12).flatMap((reference) => [{ text: reference.text }, { text: reference.text, variant: "within_word_l2r" as const }]);
  });
  afterAll(async () => {
    await engine.dispose();
  });

  it("chunked equals unchunked within 1e-5", async () => {
    const unchunked = (await engine.score(requests, { chunkTokens: Number.MAX_SAFE_INTEGER })).map(scored);
    const oneCopyPerChunk = (await engine.score(requests, { chunkTokens: 1 })).map(scored);
    const smallChunks = (await engine.score(requests, { chunkTokens: 300 })).map(scored);
    expect(unchunked).toHaveLength(24);
    expect(maxDifference(unchunked, oneCopyPerChunk)).toBeLessThan(1e-5);
    expect(maxDifference(unchunked, smallChunks)).toBeLessThan(1e-5);
  });

  it("keeps each chunk within its token bound", async () => {
    const runCalls: LogitsRequest[][] = [];
    const results = (await scoreTexts(recordingModel(engine, runCalls), requests, { chunkTokens: 500 })).map(scored);
    const copies = results.reduce((sum, result) => sum + result.tokenCount * (result.tokenCount + 2), 0);
    const tokensPerCall = runCalls.map((inputs) => inputs.reduce((sum, input) => sum + input.inputIds.length, 0));
    expect(tokensPerCall.reduce((sum, tokens) => sum + tokens, 0)).toBe(copies);
    expect(tokensPerCall.length).toBeGreaterThan(10);
    for (const tokens of tokensPerCall) {
      expect(tokens).toBeLessThanOrEqual(500);
    }
  });

  it("does not depend on the token budget", async () => {
    const small = await Engine.load({ modelDir: TINY_DIR, tokenBudget: 40 });
    try {
      const reference = (await engine.score(requests)).map(scored);
      const results = (await small.score(requests)).map(scored);
      expect(maxDifference(reference, results)).toBeLessThan(1e-5);
    } finally {
      await small.dispose();
    }
  });

  it("scores repeated texts once with equal results", async () => {
    const text = requests[0]!.text;
    const runCalls: LogitsRequest[][] = [];
    const outcomes = await scoreTexts(recordingModel(engine, runCalls), [{ text }, { text, variant: "within_word_l2r" }, { text }]);
    const [first, l2r, repeat] = outcomes.map(scored);
    expect(repeat).toEqual(first);
    expect(l2r!.variant).toBe("within_word_l2r");
    expect(runCalls.map((inputs) => inputs.length)).toEqual([first!.tokenCount * 2]);
  });
});
