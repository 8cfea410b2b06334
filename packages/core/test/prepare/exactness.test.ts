import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchRunner, Engine, logSumExp, topKProbabilities, type LogitsRequest } from "../../src/engine/index.ts";
import { PreparedRunner, prepareModel, type PreparedRequest, type PreparedRow } from "../../src/prepare/index.ts";
import { copyTinyModel, readLines } from "./helpers.ts";

interface GoldenFillMask {
  text: string;
  topK: number;
}

interface GoldenPll {
  text: string;
  tokens: { index: number; id: number; logProb: number }[];
}

// scripts/gpu-check.sh runs these tests with MASKFILL_EXECUTION_PROVIDER=cuda and a looser tolerance.
const PROVIDER = process.env.MASKFILL_EXECUTION_PROVIDER === "cuda" ? "cuda" : "cpu";
const TOLERANCE = Number(process.env.MASKFILL_PREPARED_TOLERANCE ?? 1e-5);
const TOKEN_BUDGET = 256;
const NO_IDS: ReadonlySet<number> = new Set();

let model: { dir: string; cleanup: () => Promise<void> };
let engine: Engine;
let plainRunner: BatchRunner;
let preparedSession: ort.InferenceSession;
let preparedRunner: PreparedRunner;

beforeAll(async () => {
  model = await copyTinyModel();
  const result = await prepareModel({ modelDir: model.dir });
  engine = await Engine.load({ modelDir: model.dir, variant: "fp32", executionProvider: PROVIDER });
  const plainSession = await ort.InferenceSession.create(join(model.dir, "model.onnx"), { executionProviders: [PROVIDER] });
  plainRunner = new BatchRunner(plainSession, TOKEN_BUDGET, engine.tokenizer.padTokenId, engine.info.vocabSize);
  preparedSession = await ort.InferenceSession.create(result.preparedPath, { executionProviders: [PROVIDER] });
  preparedRunner = new PreparedRunner(preparedSession, TOKEN_BUDGET, engine.tokenizer.padTokenId, engine.info.vocabSize);
});

afterAll(async () => {
  await engine?.dispose();
  await preparedSession?.release();
  await model?.cleanup();
});

/** Runs both graphs on the same requests; returns logits rows of the plain graph and prepared rows. */
async function runBoth(requests: PreparedRequest[]): Promise<{ logits: Float32Array[][]; rows: PreparedRow[][] }> {
  const logits: Float32Array[][] = requests.map(() => []);
  const rows: PreparedRow[][] = requests.map(() => []);
  const logitsRequests: LogitsRequest[] = requests.map((request) => ({ inputIds: request.inputIds, positions: request.positions }));
  await plainRunner.run(logitsRequests, (requestIndex, positionIndex, row) => {
    logits[requestIndex]![positionIndex] = row.slice();
  });
  await preparedRunner.run(requests, (requestIndex, positionIndex, row) => {
    rows[requestIndex]![positionIndex] = row;
  });
  return { logits, rows };
}

describe("prepared graph exactness on the tiny model", () => {
  it("fill-mask top-k matches the plain graph", async () => {
    const golden = await readLines<GoldenFillMask>(join(model.dir, "golden/fill-mask.jsonl"));
    const requests: PreparedRequest[] = golden.map((item) => {
      const encoded = engine.tokenizer.encode(item.text);
      const positions = encoded.ids.flatMap((id, index) => (id === engine.tokenizer.maskTokenId ? [index] : []));
      return { inputIds: encoded.ids, positions, topK: item.topK };
    });
    expect(requests.filter((request) => request.positions.length > 0)).toHaveLength(golden.length);

    const { logits, rows } = await runBoth(requests);
    let compared = 0;
    requests.forEach((request, requestIndex) => {
      request.positions.forEach((_, positionIndex) => {
        const expected = topKProbabilities(logits[requestIndex]![positionIndex]!, request.topK, null, NO_IDS);
        const row = rows[requestIndex]![positionIndex]!;
        expect(row.topIds).toEqual(expected.map((entry) => entry.tokenId));
        row.topProbabilities.forEach((probability, rank) => {
          expect(Math.abs(probability - expected[rank]!.probability)).toBeLessThanOrEqual(TOLERANCE);
        });
        compared += 1;
      });
    });
    expect(compared).toBeGreaterThan(golden.length);
  });

  it("PLL log-probabilities match plain graph and golden", async () => {
    const golden = await readLines<GoldenPll>(join(model.dir, "golden/pll.jsonl"));
    const requests: PreparedRequest[] = [];
    const expectedGolden: number[] = [];
    for (const sentence of golden) {
      const ids = engine.tokenizer.encode(sentence.text).ids;
      for (const token of sentence.tokens) {
        expect(ids[token.index]).toBe(token.id);
        const masked = ids.slice();
        masked[token.index] = engine.tokenizer.maskTokenId;
        requests.push({ inputIds: masked, positions: [token.index], topK: 0, targetIds: [[token.id]] });
        expectedGolden.push(token.logProb);
      }
    }

    const { logits, rows } = await runBoth(requests);
    requests.forEach((request, index) => {
      const row = logits[index]![0]!;
      const targetId = request.targetIds![0]![0]!;
      const plain = row[targetId]! - logSumExp(row);
      const prepared = rows[index]![0]!.targetLogProbs;
      expect(prepared).toHaveLength(1);
      expect(Math.abs(prepared[0]! - plain)).toBeLessThanOrEqual(TOLERANCE);
      expect(Math.abs(prepared[0]! - expectedGolden[index]!)).toBeLessThanOrEqual(1e-4);
    });
    expect(requests.length).toBeGreaterThan(100);
  });

  it("targets and top-k in one request", async () => {
    const encoded = engine.tokenizer.encode("The <mask> sat on the <mask>.");
    const positions = encoded.ids.flatMap((id, index) => (id === engine.tokenizer.maskTokenId ? [index] : []));
    const targets = [[7, 300, 999], [5]];
    const { logits, rows } = await runBoth([{ inputIds: encoded.ids, positions, topK: 3, targetIds: targets }]);
    positions.forEach((_, positionIndex) => {
      const row = logits[0]![positionIndex]!;
      const normaliser = logSumExp(row);
      const prepared = rows[0]![positionIndex]!;
      expect(prepared.topIds).toHaveLength(3);
      expect(prepared.targetLogProbs).toHaveLength(targets[positionIndex]!.length);
      targets[positionIndex]!.forEach((id, t) => {
        expect(Math.abs(prepared.targetLogProbs[t]! - (row[id]! - normaliser))).toBeLessThanOrEqual(TOLERANCE);
      });
    });
  });

  it("rejects out-of-range target ids", async () => {
    const ids = engine.tokenizer.encode("A <mask>.").ids;
    const request: PreparedRequest = { inputIds: ids, positions: [2], topK: 1, targetIds: [[engine.info.vocabSize]] };
    await expect(preparedRunner.run([request], () => undefined)).rejects.toThrow(`target id ${engine.info.vocabSize} is outside the vocabulary (0 to ${engine.info.vocabSize - 1})`);
  });
});
