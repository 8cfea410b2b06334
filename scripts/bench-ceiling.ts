// fp32 ceiling of the benchmarks: onnxruntime's measured MatMul rate divided by the useful FLOPs
// of the work (encoder on real tokens, LM head only at the positions read).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { Engine } from "../packages/core/src/engine/index.ts";
import { measureMatMulRate, usefulFlopsPerSentence, type EncoderShape } from "../packages/core/src/prepare/index.ts";

/** The fp32 ceiling of one benchmark, per item (a fill-mask sentence or a scored token). */
export interface Ceiling {
  inner: number;
  columns: number;
  matmulGflops: number;
  usefulGflopPerItem: number;
  itemsPerSecond: number;
}

/** Sums the useful FLOPs (encoder on real tokens, LM head at masked positions) of a fill-mask pass. */
export function sumUsefulFlops(shape: EncoderShape, outcomes: Awaited<ReturnType<Engine["fillMask"]>>): number {
  return outcomes.reduce((sum, outcome) => sum + (outcome.ok ? usefulFlopsPerSentence(shape, outcome.value.tokenCount, outcome.value.masks.length) : 0), 0);
}

/** Layer sizes from config.json. */
const encoderConfigSchema = z.looseObject({
  hidden_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  vocab_size: z.number().int().positive(),
});

/** Reads the encoder's layer sizes from the model directory's config.json. */
export async function encoderShape(modelDir: string): Promise<EncoderShape> {
  const config = encoderConfigSchema.parse(JSON.parse(await readFile(join(modelDir, "config.json"), "utf8")));
  return { hiddenSize: config.hidden_size, layers: config.num_hidden_layers, intermediateSize: config.intermediate_size, vocabSize: config.vocab_size };
}

/**
 * Measures the fp32 ceiling: onnxruntime's rate on one feed-forward-sized MatMul with a
 * token-budget batch, divided by the useful FLOPs of an average item (a fill-mask sentence or a
 * scored token's masked copy).
 */
export async function measureCeiling(shape: EncoderShape, tokenBudget: number, threads: number, usefulFlopsPerItem: number): Promise<Ceiling> {
  const rate = await measureMatMulRate({ intraOpThreads: threads, rows: tokenBudget, inner: shape.hiddenSize, columns: shape.intermediateSize });
  return {
    inner: rate.inner,
    columns: rate.columns,
    matmulGflops: rate.flopsPerSecond / 1e9,
    usefulGflopPerItem: usefulFlopsPerItem / 1e9,
    itemsPerSecond: rate.flopsPerSecond / usefulFlopsPerItem,
  };
}

