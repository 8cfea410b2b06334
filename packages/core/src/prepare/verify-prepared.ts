import * as ort from "onnxruntime-node";
import { BatchRunner, type LogitsRequest } from "../engine/batch-runner.ts";
import { topKProbabilities } from "../engine/logits-math.ts";
import { MaskedTextTokenizer } from "../engine/masked-text-tokenizer.ts";
import { readModelFiles } from "../engine/model-files.ts";
import type { ModelVariant } from "../engine/types.ts";
import { PreparedRunner, type PreparedRequest } from "./prepared-runner.ts";

/** Sentences that verification fills; short so a roberta-large check stays within seconds. */
const CHECK_SENTENCES = [
  "The capital of France is <mask>.",
  "She poured the <mask> into a cup and sat down.",
  "A <mask> in time saves nine.",
  "He who hesitates is <mask>, or so they say.",
];

const CHECK_TOP_K = 5;
const CHECK_TOKEN_BUDGET = 512;

/** Agreement between a prepared graph and the plain export on the check sentences. */
export interface VerifyReport {
  positions: number;
  /** Masked positions whose most probable id is the same in both graphs. */
  top1Agreement: number;
  /** Largest absolute difference between the top-5 probabilities of the two graphs. */
  maxProbabilityDifference: number;
  /** Positions whose top-5 ids differ in order or content. */
  topKMismatches: number;
}

/**
 * Runs the plain export and its prepared graph on a few masked sentences and compares top-5
 * ids and probabilities. Loads both sessions at once, so it needs twice the model's memory.
 */
export async function verifyPreparedModel(modelDir: string, variant: ModelVariant | undefined, preparedPath: string): Promise<VerifyReport> {
  const files = await readModelFiles(modelDir, variant);
  const tokenizer = new MaskedTextTokenizer(files.tokenizerJson, files.tokenizerConfig, files.modelDir);
  const requests: PreparedRequest[] = CHECK_SENTENCES.map((text) => {
    const ids = tokenizer.encode(text).ids;
    return { inputIds: ids, positions: ids.flatMap((id, index) => (id === tokenizer.maskTokenId ? [index] : [])), topK: CHECK_TOP_K };
  });

  const plainSession = await ort.InferenceSession.create(files.onnxPath);
  const vocabSize = files.config.vocab_size;
  const expected: { tokenId: number; probability: number }[][][] = requests.map(() => []);
  try {
    const runner = new BatchRunner(plainSession, CHECK_TOKEN_BUDGET, tokenizer.padTokenId, vocabSize);
    const logitsRequests: LogitsRequest[] = requests.map((request) => ({ inputIds: request.inputIds, positions: request.positions }));
    await runner.run(logitsRequests, (requestIndex, positionIndex, logits) => {
      expected[requestIndex]![positionIndex] = topKProbabilities(logits, CHECK_TOP_K, null, new Set());
    });
  } finally {
    await plainSession.release();
  }

  const preparedSession = await ort.InferenceSession.create(preparedPath);
  const report: VerifyReport = { positions: 0, top1Agreement: 0, maxProbabilityDifference: 0, topKMismatches: 0 };
  try {
    const runner = new PreparedRunner(preparedSession, CHECK_TOKEN_BUDGET, tokenizer.padTokenId, vocabSize);
    await runner.run(requests, (requestIndex, positionIndex, row) => {
      const reference = expected[requestIndex]![positionIndex]!;
      report.positions += 1;
      report.top1Agreement += row.topIds[0] === reference[0]?.tokenId ? 1 : 0;
      report.topKMismatches += row.topIds.join(",") === reference.map((entry) => entry.tokenId).join(",") ? 0 : 1;
      row.topProbabilities.forEach((probability, rank) => {
        const difference = Math.abs(probability - (reference[rank]?.probability ?? 0));
        report.maxProbabilityDifference = Math.max(report.maxProbabilityDifference, difference);
      });
    });
  } finally {
    await preparedSession.release();
  }
  return report;
}
