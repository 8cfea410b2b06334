import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATCH_OVERHEAD_TOKENS, Engine, planBatches, type FillMaskResult } from "../../src/engine/index.ts";
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
    for (const rows of [8, 64]) {
      const plan = planBatches(lengths, rows * longest);
      expect(plan.batches.flat().sort((a, b) => a - b)).toEqual(lengths.map((_, index) => index));
      plan.batches.forEach((batch, b) => expect(batch.length * plan.paddedLengths[b]!).toBeLessThanOrEqual(rows * longest));
      expect(Math.max(...plan.batches.map((batch) => batch.length))).toBeGreaterThanOrEqual(8);
    }
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
    // [3, 3, 4] then [5] would pad 26 tokens in 3 batches; [3, 3], [4, 5], [9] pads 25.
    expect(planBatches([5, 3, 9, 3, 4], 12)).toEqual({ batches: [[1, 3], [4, 0], [2]], paddedLengths: [3, 5, 9] });
  });

  it("keeps long sequences apart from short ones", () => {
    // Filling the budget in length order would pad 30 short sequences to 30 tokens with 3 long
    // ones (990 padded tokens) and then run the other 2 (60). Two batches pad 300 + 150.
    const lengths = [...Array<number>(30).fill(10), ...Array<number>(5).fill(30)];
    const plan = planBatches(lengths, 1000);
    expect(plan.paddedLengths).toEqual([10, 30]);
    expect(plan.batches[0]).toEqual(lengths.slice(0, 30).map((_, index) => index));
    expect(plan.batches[1]).toEqual([30, 31, 32, 33, 34]);
  });

  it("merges batches when padding costs less than a batch", () => {
    expect(planBatches([10, 11, 12, 13], 1000)).toEqual({ batches: [[0, 1, 2, 3]], paddedLengths: [13] });
    expect(BATCH_OVERHEAD_TOKENS).toBe(32);
  });

  it("caps rows per batch", () => {
    expect(planBatches([3, 3, 3], 100, 1).batches).toEqual([[0], [1], [2]]);
    const capped = planBatches([3, 3, 3], 100, 2).batches;
    expect(capped).toHaveLength(2);
    expect(capped.flat().sort()).toEqual([0, 1, 2]);
    expect(Math.max(...capped.map((batch) => batch.length))).toBe(2);
  });

  it("runs an over-budget sequence alone", () => {
    expect(planBatches([600, 10], 100)).toEqual({ batches: [[1], [0]], paddedLengths: [10, 600] });
  });

  it("plans thousands of sequences", () => {
    const lengths = Array.from({ length: 5000 }, (_, index) => 5 + ((index * 7919) % 60));
    const plan = planBatches(lengths, 1024);
    expect(plan.batches.flat()).toHaveLength(5000);
    expect(new Set(plan.batches.flat()).size).toBe(5000);
    plan.batches.forEach((batch, b) => expect(batch.length * plan.paddedLengths[b]!).toBeLessThanOrEqual(1024));
    const padded = plan.batches.reduce((sum, batch, b) => sum + batch.length * plan.paddedLengths[b]!, 0);
    const real = lengths.reduce((sum, length) => sum + length, 0);
    expect(padded / real).toBeLessThan(1.02);
  });
});
