import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine, type FillMaskRequest, type FillMaskResult, type Outcome } from "../../src/engine/index.ts";
import { prepareModel } from "../../src/prepare/index.ts";
import { copyTinyModel } from "./helpers.ts";

interface GoldenFillMask {
  text: string;
  topK: number;
  masks: { token: number; score: number }[][];
}

// scripts/gpu-check.sh runs these tests with MASKFILL_EXECUTION_PROVIDER=cuda and a looser tolerance.
const PROVIDER = process.env.MASKFILL_EXECUTION_PROVIDER === "cuda" ? "cuda" : "cpu";
const TOLERANCE = Number(process.env.MASKFILL_PREPARED_TOLERANCE ?? 1e-5);

let plainModel: { dir: string; cleanup: () => Promise<void> };
let preparedModel: { dir: string; cleanup: () => Promise<void> };
let plain: Engine;
let prepared: Engine;
let golden: GoldenFillMask[];

beforeAll(async () => {
  plainModel = await copyTinyModel();
  preparedModel = await copyTinyModel();
  await prepareModel({ modelDir: preparedModel.dir });
  plain = await Engine.load({ modelDir: plainModel.dir, tokenBudget: 512, executionProvider: PROVIDER });
  prepared = await Engine.load({ modelDir: preparedModel.dir, tokenBudget: 512, executionProvider: PROVIDER });
  const text = await readFile(join(plainModel.dir, "golden/fill-mask.jsonl"), "utf8");
  golden = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as GoldenFillMask);
});

afterAll(async () => {
  await plain?.dispose();
  await prepared?.dispose();
  await plainModel?.cleanup();
  await preparedModel?.cleanup();
});

function values(outcomes: Outcome<FillMaskResult>[]): FillMaskResult[] {
  return outcomes.map((outcome) => {
    if (!outcome.ok) {
      throw new Error(`Unexpected error outcome: ${outcome.error.message}`);
    }
    return outcome.value;
  });
}

function expectSamePredictions(actual: FillMaskResult[], expected: FillMaskResult[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((result, index) => {
    const reference = expected[index]!;
    expect(result.masks.map((mask) => mask.map((p) => p.tokenId))).toEqual(reference.masks.map((mask) => mask.map((p) => p.tokenId)));
    expect(result.masks.map((mask) => mask.map((p) => p.sequence))).toEqual(reference.masks.map((mask) => mask.map((p) => p.sequence)));
    result.masks.forEach((mask, m) => {
      mask.forEach((prediction, rank) => {
        expect(Math.abs(prediction.probability - reference.masks[m]![rank]!.probability)).toBeLessThanOrEqual(TOLERANCE);
      });
    });
  });
}

describe("engine with a prepared graph", () => {
  it("loads the prepared graph", () => {
    expect(prepared.preparedRunner).not.toBeNull();
    expect(plain.preparedRunner).toBeNull();
  });

  it("matches golden pipeline outputs", async () => {
    const results = values(await prepared.fillMask(golden.map((item) => ({ text: item.text, topK: item.topK }))));
    results.forEach((result, index) => {
      const reference = golden[index]!;
      expect(result.masks.map((mask) => mask.map((p) => p.tokenId))).toEqual(reference.masks.map((mask) => mask.map((p) => p.token)));
      result.masks.forEach((mask, m) => {
        mask.forEach((prediction, rank) => {
          expect(Math.abs(prediction.probability - reference.masks[m]![rank]!.score)).toBeLessThanOrEqual(1e-4);
        });
      });
    });
  });

  it("matches the plain graph on every request kind", async () => {
    const requests: FillMaskRequest[] = [
      ...golden.map((item) => ({ text: item.text, topK: item.topK })),
      ...golden.slice(0, 10).map((item) => ({ text: item.text, topK: 8, dropSpecialTokens: false })),
      { text: "The <mask> is here.", targets: ["the", "cat", "house", "of"] },
      { text: "The <mask> is <mask>.", targets: ["zzzz-not-a-word", "a"], topK: 2 },
      { text: "No mask here." },
    ];
    const expected = await plain.fillMask(requests);
    const actual = await prepared.fillMask(requests);
    expect(actual[actual.length - 1]).toEqual(expected[expected.length - 1]);
    expect(actual[actual.length - 1]!.ok).toBe(false);
    expectSamePredictions(values(actual.slice(0, -1)), values(expected.slice(0, -1)));
  });

  it("still returns full logits on request", async () => {
    const ids = plain.tokenizer.encode("The <mask> sat on the mat.").ids;
    const request = { inputIds: ids, positions: [2, 3] };
    const expected: Float32Array[] = [];
    const actual: Float32Array[] = [];
    await plain.runner.run([request], (_r, p, logits) => {
      expected[p] = logits.slice();
    });
    await prepared.runner.run([request], (_r, p, logits) => {
      actual[p] = logits.slice();
    });
    expect(actual).toHaveLength(2);
    expect(Array.from(actual[0]!)).toEqual(Array.from(expected[0]!));
    expect(Array.from(actual[1]!)).toEqual(Array.from(expected[1]!));
  });

  it("falls back when the prepared graph is corrupt", async () => {
    const model = await copyTinyModel();
    try {
      const result = await prepareModel({ modelDir: model.dir });
      await writeFile(result.preparedPath, "not an onnx graph");
      const lines: string[] = [];
      const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
      const engine = await Engine.load({ modelDir: model.dir, logger });
      try {
        expect(engine.preparedRunner).toBeNull();
        expect(lines.join("")).toContain("Ignoring the prepared graph because onnxruntime cannot load it");
        const request = { text: golden[0]!.text, topK: golden[0]!.topK };
        expectSamePredictions(values(await engine.fillMask([request])), values(await plain.fillMask([request])));
      } finally {
        await engine.dispose();
      }
    } finally {
      await model.cleanup();
    }
  });

  it("ignores a prepared graph from another source", async () => {
    const model = await copyTinyModel();
    try {
      const result = await prepareModel({ modelDir: model.dir });
      const record = JSON.parse(await readFile(result.recordPath, "utf8")) as { source: { bytes: number } };
      record.source.bytes += 1;
      await writeFile(result.recordPath, JSON.stringify(record));
      const lines: string[] = [];
      const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
      const engine = await Engine.load({ modelDir: model.dir, logger });
      try {
        expect(engine.preparedRunner).toBeNull();
        expect(lines.join("")).toContain("Ignoring the prepared graph");
        expect(lines.join("")).toContain(`${record.source.bytes} bytes`);
      } finally {
        await engine.dispose();
      }
    } finally {
      await model.cleanup();
    }
  });
});
