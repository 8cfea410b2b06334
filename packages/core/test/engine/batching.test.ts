import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine, planBatches, type FillMaskResult } from "../../src/engine/index.ts";
import { BUNDLED_MINI_DIR, readJsonLines, shuffled, TINY_DIR, type GoldenFillMask } from "./helpers.ts";

describe("batch independence", () => {
  const engines: Engine[] = [];
  let texts: string[];
  let longest: number;

  beforeAll(async () => {
    const golden = await readJsonLines<GoldenFillMask>(`${TINY_DIR}/golden/fill-mask.jsonl`);
    // 64 texts of mixed lengths: the 45 golden inputs plus 19 of them with a suffix.
    texts = [...golden.map((g) => g.text), ...golden.slice(0, 19).map((g) => `${g.text} And so on, and so forth.`)];
    const probe = await Engine.load({ modelDir: TINY_DIR });
    engines.push(probe);
    longest = Math.max(...texts.map((text) => probe.tokenizer.encode(text).ids.length));
  });
  afterAll(async () => {
    await Promise.all(engines.map((engine) => engine.dispose()));
  });

  async function fillWithBudget(tokenBudget: number, inputs: string[]): Promise<FillMaskResult[]> {
    const engine = await Engine.load({ modelDir: TINY_DIR, tokenBudget });
    engines.push(engine);
    const outcomes = await engine.fillMask(inputs.map((text) => ({ text, topK: 10 })));
    return outcomes.map((outcome) => {
      if (!outcome.ok) throw new Error(outcome.error.message);
      return outcome.value;
    });
  }

  function expectClose(actual: FillMaskResult[], expected: FillMaskResult[]): void {
    expect(actual).toHaveLength(expected.length);
    actual.forEach((result, i) => {
      result.masks.forEach((mask, m) => {
        const reference = expected[i]!.masks[m]!;
        expect(mask.map((p) => p.tokenId), result.text).toEqual(reference.map((p) => p.tokenId));
        mask.forEach((p, k) => expect(Math.abs(p.probability - reference[k]!.probability)).toBeLessThan(1e-5));
      });
    });
  }

  it("plans 1, 8 and 64 rows per batch", () => {
    const lengths = texts.map((text) => engines[0]!.tokenizer.encode(text).ids.length);
    expect(lengths).toHaveLength(64);
    expect(planBatches(lengths, 1).batches.every((batch) => batch.length === 1)).toBe(true);
    expect(Math.min(...planBatches(lengths, 8 * longest).batches.slice(0, -1).map((batch) => batch.length))).toBeGreaterThanOrEqual(8);
    expect(planBatches(lengths, 64 * longest).batches).toHaveLength(1);
  });

  it("gives equal results for batch sizes 1, 8 and 64", async () => {
    const one = await fillWithBudget(1, texts);
    const eight = await fillWithBudget(8 * longest, texts);
    const all = await fillWithBudget(64 * longest, texts);
    expectClose(eight, one);
    expectClose(all, one);
  });

  it("gives equal results in shuffled order", async () => {
    const order = shuffled(texts.map((_, i) => i), 20261204);
    const reference = await fillWithBudget(16 * longest, texts);
    const results = await fillWithBudget(16 * longest, order.map((i) => texts[i]!));
    expectClose(results, order.map((i) => reference[i]!));
  });
});

describe("planBatches", () => {
  it("sorts by length and pads per batch", () => {
    expect(planBatches([5, 3, 9, 3, 4], 12)).toEqual({ batches: [[1, 3, 4], [0], [2]], paddedLengths: [4, 5, 9] });
  });

  it("caps rows per batch", () => {
    expect(planBatches([3, 3, 3], 100, 1).batches).toEqual([[0], [1], [2]]);
    expect(planBatches([3, 3, 3], 100, 2).batches).toEqual([[0, 1], [2]]);
  });

  it("runs an over-budget sequence alone", () => {
    expect(planBatches([600, 10], 100)).toEqual({ batches: [[1], [0]], paddedLengths: [10, 600] });
  });
});

describe("batch independence of the int8 model", () => {
  it("gives equal results for any token budget", async () => {
    // Dynamic int8 quantization scales each activation tensor as a whole, so the engine runs
    // such graphs one sequence per batch. A large budget must therefore not change any result.
    const golden = await readJsonLines<GoldenFillMask>(`${TINY_DIR}/golden/fill-mask.jsonl`);
    const requests = golden.slice(0, 24).map((g) => ({ text: g.text, topK: 5 }));
    const results = [];
    for (const tokenBudget of [1, 8192]) {
      const engine = await Engine.load({ modelDir: BUNDLED_MINI_DIR, tokenBudget });
      try {
        expect(engine.runner.maxRowsPerBatch).toBe(1);
        results.push(await engine.fillMask(requests));
      } finally {
        await engine.dispose();
      }
    }
    const [small, large] = results;
    expect(large).toEqual(small);
  });
});
