import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatchRunner, logSumExp, MaskedTextTokenizer, topKProbabilities, type LogitsRequest } from "../../src/engine/index.ts";
import { readModelFiles } from "../../src/engine/model-files.ts";
import { PreparedRunner, prepareModel, type PreparedRequest, type PreparedRow } from "../../src/prepare/index.ts";
import { readLines, TINY_DIR } from "./helpers.ts";

/**
 * Manual check on a full-size model, skipped unless MASKFILL_PREPARED_CHECK_DIR names a model
 * directory (for example one written by make-random-roberta). MASKFILL_EXECUTION_PROVIDER=cuda
 * runs both graphs on the GPU. The model directory itself is not written to.
 */
const CHECK_DIR = process.env.MASKFILL_PREPARED_CHECK_DIR;
const PROVIDER = process.env.MASKFILL_EXECUTION_PROVIDER === "cuda" ? "cuda" : "cpu";
const PROBABILITY_TOLERANCE = Number(process.env.MASKFILL_PREPARED_TOLERANCE ?? 1e-5);
const LOG_PROB_TOLERANCE = Number(process.env.MASKFILL_PREPARED_LOG_PROB_TOLERANCE ?? 1e-5);
const PLL_SENTENCES = 6;
const TOKEN_BUDGET = 4096;

let workDir: string;
let tokenizer: MaskedTextTokenizer;
let vocabSize: number;
let plainSession: ort.InferenceSession;
let preparedSession: ort.InferenceSession;

async function runBoth(requests: PreparedRequest[]): Promise<{ logits: Float32Array[][]; rows: PreparedRow[][] }> {
  const logits: Float32Array[][] = requests.map(() => []);
  const rows: PreparedRow[][] = requests.map(() => []);
  const plain = new BatchRunner(plainSession, TOKEN_BUDGET, tokenizer.padTokenId, vocabSize);
  const logitsRequests: LogitsRequest[] = requests.map((request) => ({ inputIds: request.inputIds, positions: request.positions }));
  await plain.run(logitsRequests, (requestIndex, positionIndex, row) => {
    logits[requestIndex]![positionIndex] = row.slice();
  });
  const prepared = new PreparedRunner(preparedSession, TOKEN_BUDGET, tokenizer.padTokenId, vocabSize);
  await prepared.run(requests, (requestIndex, positionIndex, row) => {
    rows[requestIndex]![positionIndex] = row;
  });
  return { logits, rows };
}

describe.runIf(CHECK_DIR !== undefined)("prepared graph on a full-size model", () => {
  beforeAll(async () => {
    const source = resolve(CHECK_DIR!);
    workDir = await mkdtemp(join(tmpdir(), "maskfill-prepared-check-"));
    for (const name of ["model.onnx", "config.json", "tokenizer.json", "tokenizer_config.json"]) {
      await symlink(join(source, name), join(workDir, name));
    }
    const result = await prepareModel({ modelDir: workDir });
    const files = await readModelFiles(workDir, "fp32");
    tokenizer = new MaskedTextTokenizer(files.tokenizerJson, files.tokenizerConfig, workDir);
    vocabSize = files.config.vocab_size;
    const options: ort.InferenceSession.SessionOptions = { executionProviders: [PROVIDER], graphOptimizationLevel: "all" };
    plainSession = await ort.InferenceSession.create(join(workDir, "model.onnx"), options);
    preparedSession = await ort.InferenceSession.create(result.preparedPath, options);
  }, 600_000);

  afterAll(async () => {
    await plainSession?.release();
    await preparedSession?.release();
    await rm(workDir, { recursive: true, force: true });
  });

  it("fill-mask top-5 matches the plain graph", async () => {
    const golden = await readLines<{ text: string }>(join(TINY_DIR, "golden/fill-mask.jsonl"));
    const requests: PreparedRequest[] = golden.map(({ text }) => {
      const ids = tokenizer.encode(text).ids;
      return { inputIds: ids, positions: ids.flatMap((id, index) => (id === tokenizer.maskTokenId ? [index] : [])), topK: 5 };
    });
    const { logits, rows } = await runBoth(requests);
    let maxDifference = 0;
    requests.forEach((request, r) => {
      request.positions.forEach((_, p) => {
        const expected = topKProbabilities(logits[r]![p]!, 5, null, new Set());
        expect(rows[r]![p]!.topIds).toEqual(expected.map((entry) => entry.tokenId));
        rows[r]![p]!.topProbabilities.forEach((probability, rank) => {
          maxDifference = Math.max(maxDifference, Math.abs(probability - expected[rank]!.probability));
        });
      });
    });
    console.info(`fill-mask: ${requests.length} texts, max top-5 probability difference ${maxDifference.toExponential(2)}`);
    expect(maxDifference).toBeLessThanOrEqual(PROBABILITY_TOLERANCE);
  }, 600_000);

  it("PLL log-probabilities match the plain graph", async () => {
    const golden = (await readLines<{ text: string }>(join(TINY_DIR, "golden/pll.jsonl"))).slice(0, PLL_SENTENCES);
    const requests: PreparedRequest[] = [];
    for (const { text } of golden) {
      const ids = tokenizer.encode(text).ids;
      for (let position = 1; position < ids.length - 1; position += 1) {
        const masked = ids.slice();
        masked[position] = tokenizer.maskTokenId;
        requests.push({ inputIds: masked, positions: [position], topK: 0, targetIds: [[ids[position]!]] });
      }
    }
    const { logits, rows } = await runBoth(requests);
    let maxDifference = 0;
    requests.forEach((request, r) => {
      const row = logits[r]![0]!;
      const plain = row[request.targetIds![0]![0]!]! - logSumExp(row);
      maxDifference = Math.max(maxDifference, Math.abs(rows[r]![0]!.targetLogProbs[0]! - plain));
    });
    console.info(`PLL: ${requests.length} masked copies, max log-probability difference ${maxDifference.toExponential(2)}`);
    expect(maxDifference).toBeLessThanOrEqual(LOG_PROB_TOLERANCE);
  }, 600_000);
});
