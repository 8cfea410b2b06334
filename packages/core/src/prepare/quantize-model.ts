import { createHash } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { readModelFiles, VARIANT_FILE_NAMES } from "../engine/model-files.ts";
import { PrepareError } from "./errors.ts";
import { findLmHead } from "./find-lm-head.ts";
import { readFloatInitializer } from "./initializer-data.ts";
import { defaultOpset, type OnnxModelFile } from "./onnx-model-file.ts";
import { preparedFileName, preparedRecordFileName } from "./prepared-io.ts";
import { MIN_OPSET } from "./rewrite-graph.ts";
import { QUANTIZED_FORMAT_VERSION, quantizeGraph, type QuantizedMatMul, type QuantizeSummary } from "./quantize-graph.ts";
import { quantizeColumns, WEIGHT_MAX_LEVEL } from "./quantize-weights.ts";
import { isFile, LOGITS_OUTPUT, PROTOBUF_LIMIT_BYTES, readSourceModel, requireLogitsOutput } from "./source-model.ts";
import { writeChunks } from "./write-chunks.ts";

/** Ops that mark a graph as quantized already. */
const QUANTIZED_OPS = new Set(["MatMulInteger", "DynamicQuantizeLinear", "QuantizeLinear", "DynamicQuantizeMatMul", "MatMulIntegerToFloat", "QLinearMatMul"]);

/** Options of quantizeModel. */
export interface QuantizeModelOptions {
  /** Model directory with a float32 `model.onnx` (optimum or transformers.js layout). */
  modelDir: string;
  /** Replace an existing `model_quantized.onnx`, for example one from optimum. Default false. */
  force?: boolean;
  /**
   * Stops the run with the signal's reason. The graph being written is removed, and the old
   * model_quantized.onnx stays, but its prepared graph is already deleted once writing started.
   */
  signal?: AbortSignal;
}

/** The record written beside the quantized graph. */
export interface QuantizeRecord extends QuantizeSummary {
  formatVersion: number;
  createdAt: string;
  source: { file: string; bytes: number; sha256: string };
  quantized: { file: string; bytes: number; sha256: string };
  method: string;
  weightMaxLevel: number;
  /** The LM head's nodes, left in float32. */
  floatHeadNodes: string[];
  /** External data files of the source that the quantized graph still reads (embeddings, head). */
  externalDataFiles: string[];
}

/** Paths written by quantizeModel. */
export interface QuantizeModelResult {
  sourcePath: string;
  quantizedPath: string;
  recordPath: string;
  record: QuantizeRecord;
  /** Prepared files of an earlier quantized graph, deleted because they no longer match it. */
  removedPreparedFiles: string[];
}

/** Returns the record file name for a quantized ONNX file name ("model_quantized.onnx" → "model_quantized.quantize.json"). */
export function quantizeRecordFileName(onnxFileName: string): string {
  return onnxFileName.replace(/\.onnx$/, ".quantize.json");
}

/**
 * Writes `model_quantized.onnx` beside a float32 `model.onnx`. Every encoder MatMul with a
 * constant weight becomes an int8 product with per-column weight scales (7 bits) and per-row
 * activation scales computed at run time, and the LM head stays float32. The source is only
 * read. Throws PrepareError (not retryable) naming the file and the problem.
 */
export async function quantizeModel(options: QuantizeModelOptions): Promise<QuantizeModelResult> {
  const files = await readModelFiles(options.modelDir, "fp32").catch((error: Error) => {
    throw new PrepareError(error.message);
  });
  const sourcePath = files.onnxPath;
  const sourceDir = dirname(sourcePath);
  const quantizedPath = join(sourceDir, VARIANT_FILE_NAMES.quantized);
  const recordPath = join(sourceDir, quantizeRecordFileName(VARIANT_FILE_NAMES.quantized));
  await checkTarget(files.modelDir, quantizedPath, recordPath, options.force ?? false);

  const { bytes, model, externalDataFiles } = await readSourceModel(sourcePath, sourceDir, "quantize");
  rejectQuantized(model, sourcePath);
  requireLogitsOutput(model, sourcePath, "quantize");
  rejectOldOpset(model, sourcePath);
  const head = findHead(model, sourcePath);
  const matmuls = await quantizeWeights(model, new Set(head.nodeIndices), sourceDir, sourcePath, options.signal);
  const dropped = unusedAfterQuantizing(model, matmuls);
  const rewrite = quantizeGraph(model, matmuls, dropped);
  if (rewrite.byteLength > PROTOBUF_LIMIT_BYTES) {
    throw new PrepareError(`The quantized graph of ${sourcePath} would be ${rewrite.byteLength} bytes, over protobuf's 2 GB limit.`);
  }

  options.signal?.throwIfAborted();
  const removedPreparedFiles = await removeStalePrepared(sourceDir);
  const quantizedSha256 = await writeChunks(quantizedPath, rewrite.chunks, options.signal).catch((error: NodeJS.ErrnoException) => {
    if (options.signal?.aborted === true) throw error;
    throw new PrepareError(`Cannot write ${quantizedPath}: ${error.code ?? error.message}. Make ${sourceDir} writable, or copy the model to a writable directory and quantize that.`);
  });
  const record: QuantizeRecord = {
    formatVersion: QUANTIZED_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    source: { file: basename(sourcePath), bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") },
    quantized: { file: basename(quantizedPath), bytes: rewrite.byteLength, sha256: quantizedSha256 },
    method: "dynamic int8: activations per row (symmetric, uint8 with zero point 128), weights per column (symmetric int8)",
    weightMaxLevel: WEIGHT_MAX_LEVEL,
    externalDataFiles,
    floatHeadNodes: head.nodeIndices.map((index) => model.nodes[index]!.node.name ?? String(index)),
    ...rewrite.summary,
  };
  await writeFile(`${recordPath}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${recordPath}.tmp`, recordPath);
  return { sourcePath, quantizedPath, recordPath, record, removedPreparedFiles };
}

/**
 * Rejects overwriting a quantized graph that this quantizer did not write (its record is
 * missing or names another sha256), unless forced, and a top-level model_quantized.onnx that
 * the engine would load instead of the one written into onnx/.
 */
async function checkTarget(modelDir: string, quantizedPath: string, recordPath: string, force: boolean): Promise<void> {
  const shadowing = join(modelDir, VARIANT_FILE_NAMES.quantized);
  if (shadowing !== quantizedPath && (await isFile(shadowing))) {
    throw new PrepareError(`${shadowing} exists, and the engine would load it instead of the ${quantizedPath} this command writes; move or delete it first.`);
  }
  if (force || !(await isFile(quantizedPath))) {
    return;
  }
  const recorded = await readFile(recordPath, "utf8").then(
    (text) => recordShaSchema.safeParse(JSON.parse(text)).data?.quantized.sha256 ?? null,
    () => null,
  );
  const actual = createHash("sha256").update(await readFile(quantizedPath)).digest("hex");
  if (recorded !== actual) {
    throw new PrepareError(`${quantizedPath} already exists and was not written by \`maskfill model quantize\` (${basename(recordPath)} is missing or names another sha256); pass --force to replace it.`);
  }
}

/** The part of a quantize record that identifies the file it describes. */
const recordShaSchema = z.object({ quantized: z.object({ sha256: z.string() }) });

function rejectQuantized(model: OnnxModelFile, sourcePath: string): void {
  const quantizedOp = model.nodes.find(({ node }) => QUANTIZED_OPS.has(node.op_type));
  if (quantizedOp !== undefined) {
    throw new PrepareError(`${sourcePath} is quantized already (node "${quantizedOp.node.name ?? ""}" is ${quantizedOp.node.op_type}); quantize the float32 export instead.`);
  }
}

/** Throws unless the graph's opset has every op the int8 graph inserts (Round needs 11). */
function rejectOldOpset(model: OnnxModelFile, sourcePath: string): void {
  const opset = defaultOpset(model);
  if (opset < MIN_OPSET) {
    throw new PrepareError(`Cannot quantize ${sourcePath}: the graph uses ONNX opset ${opset}, and the int8 graph needs opset ${MIN_OPSET} or later. Re-export the model with a newer opset (optimum's default is 14 or later).`);
  }
}

function findHead(model: OnnxModelFile, sourcePath: string): ReturnType<typeof findLmHead> {
  try {
    return findLmHead(model, LOGITS_OUTPUT);
  } catch (error) {
    if (error instanceof PrepareError) {
      throw new PrepareError(`Cannot quantize ${sourcePath}: ${error.message}`);
    }
    throw error;
  }
}

/** Quantizes the B operand of every MatMul outside the head whose B is a 2-D float32 initializer. */
async function quantizeWeights(model: OnnxModelFile, headNodes: ReadonlySet<number>, sourceDir: string, sourcePath: string, signal: AbortSignal | undefined): Promise<QuantizedMatMul[]> {
  const graphInputs = new Set(model.inputNames);
  const matmuls: QuantizedMatMul[] = [];
  for (const { index, node } of model.nodes) {
    signal?.throwIfAborted();
    if (node.op_type !== "MatMul" || headNodes.has(index)) continue;
    const weightName = node.input[1] ?? "";
    const initializer = model.initializers.get(weightName);
    const dims = initializer?.header.dims ?? [];
    if (initializer === undefined || graphInputs.has(weightName) || dims.length !== 2 || initializer.header.data_type !== 1) continue;
    const [rows, columns] = dims as [number, number];
    const values = await readFloatInitializer(model, initializer, sourceDir);
    matmuls.push({ nodeIndex: index, weightName, rows, columns, weights: quantizeColumns(values, rows, columns) });
  }
  if (matmuls.length === 0) {
    throw new PrepareError(`${sourcePath} has no MatMul with a constant 2-D float32 weight outside the LM head; there is nothing to quantize.`);
  }
  return matmuls;
}

/** Float weights whose every reader is a quantized MatMul: the quantized graph leaves them out. */
function unusedAfterQuantizing(model: OnnxModelFile, matmuls: readonly QuantizedMatMul[]): Set<string> {
  const quantizedNodes = new Set(matmuls.map((matmul) => matmul.nodeIndex));
  const readByOthers = new Set<string>(model.outputNames);
  for (const { index, node } of model.nodes) {
    if (!quantizedNodes.has(index)) {
      node.input.forEach((name) => readByOthers.add(name));
    }
  }
  return new Set(matmuls.map((matmul) => matmul.weightName).filter((name) => !readByOthers.has(name)));
}

/** Deletes a prepared graph of an earlier model_quantized.onnx, since it no longer matches. */
async function removeStalePrepared(sourceDir: string): Promise<string[]> {
  const stale = [preparedFileName(VARIANT_FILE_NAMES.quantized), preparedRecordFileName(VARIANT_FILE_NAMES.quantized)].map((name) => join(sourceDir, name));
  const removed: string[] = [];
  for (const path of stale) {
    if (await isFile(path)) {
      await rm(path);
      removed.push(path);
    }
  }
  return removed;
}
