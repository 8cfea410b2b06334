import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { GraphField, ModelField } from "./onnx-model-file.ts";
import { encodeTensorValueInfo, encodeNode, OnnxDataType, onnxTypes } from "./onnx-schema.ts";
import { lengthDelimitedField } from "./protobuf-fields.ts";

/** Shape of a BERT-style encoder with an LM head, as config.json gives it. */
export interface EncoderShape {
  hiddenSize: number;
  layers: number;
  intermediateSize: number;
  vocabSize: number;
}

/**
 * Counts the multiply-add FLOPs (2 per multiply-add) a fill-mask sentence needs: every layer's
 * projections, attention products and feed-forward on `tokens` real tokens, plus the LM head
 * (dense and decoder) at `maskedPositions` only. Embeddings, norms, softmax and activations are
 * left out; they are under 1% for roberta-base and larger.
 */
export function usefulFlopsPerSentence(shape: EncoderShape, tokens: number, maskedPositions: number): number {
  const { hiddenSize: h, layers, intermediateSize: ffn, vocabSize: vocab } = shape;
  const projections = 4 * 2 * h * h;
  const feedForward = 2 * 2 * h * ffn;
  const attention = 2 * 2 * tokens * h;
  const encoder = layers * tokens * (projections + feedForward + attention);
  const head = maskedPositions * (2 * h * h + 2 * h * vocab);
  return encoder + head;
}

/** Options of measureMatMulRate; sizes default to one padded batch of roberta-large. */
export interface MatMulRateOptions {
  rows?: number;
  inner?: number;
  columns?: number;
  intraOpThreads?: number;
  /** Timed runs after one warm-up run; the fastest is kept. */
  runs?: number;
}

/** A measured matrix-multiply rate. */
export interface MatMulRate {
  /** FLOPs per wall-clock second of the fastest run. */
  flopsPerSecond: number;
  /**
   * FLOPs per second of process CPU time (all threads) of the run with the least CPU time. On a
   * machine shared with other work this is steadier than the wall-clock rate.
   */
  flopsPerCpuSecond: number;
  rows: number;
  inner: number;
  columns: number;
  fastestMs: number;
}

/**
 * Measures fp32 FLOP/s of one large MatMul ([rows, inner] x [inner, columns], weights as an
 * initializer) through onnxruntime's CPU provider, the rate that bounds every projection of
 * the model. Builds the graph in a temporary file and deletes it afterwards.
 */
export async function measureMatMulRate(options: MatMulRateOptions = {}): Promise<MatMulRate> {
  const rows = options.rows ?? 2048;
  const inner = options.inner ?? 1024;
  const columns = options.columns ?? 4096;
  const runs = options.runs ?? 5;
  const dir = await mkdtemp(join(tmpdir(), "maskfill-matmul-"));
  const path = join(dir, "matmul.onnx");
  try {
    await writeFile(path, buildMatMulModel(inner, columns));
    // The engine's settings: idle threads sleep, so CPU time counts only work.
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: "all",
      executionMode: "sequential",
      extra: { session: { intra_op: { allow_spinning: "0" } } },
    };
    if (options.intraOpThreads !== undefined && options.intraOpThreads > 0) {
      sessionOptions.intraOpNumThreads = options.intraOpThreads;
    }
    const session = await ort.InferenceSession.create(path, sessionOptions);
    try {
      const input = new Float32Array(rows * inner);
      for (let i = 0; i < input.length; i += 1) {
        input[i] = ((i * 7919) % 1000) / 1000 - 0.5;
      }
      const feeds = { x: new ort.Tensor("float32", input, [rows, inner]) };
      await session.run(feeds);
      let fastestMs = Number.POSITIVE_INFINITY;
      let leastCpuMs = Number.POSITIVE_INFINITY;
      for (let run = 0; run < runs; run += 1) {
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        await session.run(feeds);
        const cpu = process.cpuUsage(cpuBefore);
        fastestMs = Math.min(fastestMs, performance.now() - started);
        leastCpuMs = Math.min(leastCpuMs, (cpu.user + cpu.system) / 1000);
      }
      const flops = 2 * rows * inner * columns;
      return { flopsPerSecond: flops / (fastestMs / 1000), flopsPerCpuSecond: flops / (leastCpuMs / 1000), rows, inner, columns, fastestMs };
    } finally {
      await session.release();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Encodes a ModelProto with y = MatMul(x, w), x [rows, inner] dynamic rows, w a fixed pseudo-random initializer. */
function buildMatMulModel(inner: number, columns: number): Uint8Array {
  const weights = new Float32Array(inner * columns);
  for (let i = 0; i < weights.length; i += 1) {
    weights[i] = ((i * 104729) % 2000) / 2000 - 0.5;
  }
  const initializer = onnxTypes.tensor
    .encode(onnxTypes.tensor.fromObject({ name: "w", dims: [inner, columns], data_type: OnnxDataType.float, raw_data: new Uint8Array(weights.buffer) }))
    .finish();
  const graph = Buffer.concat([
    lengthDelimitedField(GraphField.node, encodeNode({ op_type: "MatMul", name: "matmul", input: ["x", "w"], output: ["y"] })),
    lengthDelimitedField(2, Buffer.from("matmul_rate", "utf8")),
    lengthDelimitedField(GraphField.initializer, initializer),
    lengthDelimitedField(GraphField.input, encodeTensorValueInfo("x", OnnxDataType.float, [{ dim_param: "rows" }, { dim_value: inner }])),
    lengthDelimitedField(GraphField.output, encodeTensorValueInfo("y", OnnxDataType.float, [{ dim_param: "rows" }, { dim_value: columns }])),
  ]);
  const opset = onnxTypes.operatorSetId.encode(onnxTypes.operatorSetId.fromObject({ domain: "", version: 17 })).finish();
  return Buffer.concat([Uint8Array.of(ModelField.irVersion * 8, 8), lengthDelimitedField(ModelField.graph, graph), lengthDelimitedField(ModelField.opsetImport, opset)]);
}
