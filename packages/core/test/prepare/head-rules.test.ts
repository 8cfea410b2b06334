import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PrepareError, prepareModel, quantizeModel, usefulFlopsPerSentence, measureMatMulRate } from "../../src/prepare/index.ts";
import { copyTinyModel } from "./helpers.ts";
import { buildModel, headNodes, pseudoRandom, type SyntheticInitializer } from "./synthetic-graphs.ts";

const VOCAB = 1000;
const HIDDEN = 8;

const INITIALIZERS: SyntheticInitializer[] = [
  { name: "embedding", dims: [VOCAB, HIDDEN], values: pseudoRandom(VOCAB * HIDDEN, 3) },
  { name: "dense_weight", dims: [HIDDEN, HIDDEN], values: pseudoRandom(HIDDEN * HIDDEN, 5) },
  { name: "decoder_weight", dims: [HIDDEN, VOCAB], values: pseudoRandom(HIDDEN * VOCAB, 7) },
  { name: "decoder_bias", dims: [VOCAB], values: pseudoRandom(VOCAB, 11) },
];

let model: { dir: string; cleanup: () => Promise<void> };

beforeEach(async () => {
  // The tiny model's tokenizer and config files (1,000 tokens) go with the synthetic graphs.
  model = await copyTinyModel();
});

afterEach(async () => {
  await model.cleanup();
});

describe("LM head rules", () => {
  it("accepts a position-wise head", async () => {
    const relu = { name: "act", op_type: "Relu", input: ["dense_out"], output: ["middle_out"] };
    await writeFile(join(model.dir, "model.onnx"), buildModel(headNodes(relu), INITIALIZERS, VOCAB));
    const result = await prepareModel({ modelDir: model.dir });
    expect(result.record.hiddenState).toBe("hidden");
    expect(result.record.headNodes).toEqual(["dense", "act", "decoder", "bias"]);
  });

  it("rejects a head that mixes positions", async () => {
    const softmax = { name: "mix", op_type: "Softmax", input: ["dense_out"], output: ["middle_out"], attribute: [{ name: "axis", type: 2, i: 1 }] };
    await writeFile(join(model.dir, "model.onnx"), buildModel(headNodes(softmax), INITIALIZERS, VOCAB));
    const attempt = prepareModel({ modelDir: model.dir });
    await expect(attempt).rejects.toBeInstanceOf(PrepareError);
    await expect(attempt).rejects.toThrow('contains a Softmax node "mix", which the rewriter does not know to be position-wise');
  });

  it("rejects a normalization over another axis", async () => {
    const norm = { name: "norm", op_type: "LayerNormalization", input: ["dense_out", "decoder_bias"], output: ["middle_out"], attribute: [{ name: "axis", type: 2, i: 1 }] };
    await writeFile(join(model.dir, "model.onnx"), buildModel(headNodes(norm), INITIALIZERS, VOCAB));
    await expect(prepareModel({ modelDir: model.dir })).rejects.toThrow('LayerNormalization node "norm" normalizes over axis 1; only axis -1');
  });

  it("rejects a per-position constant", async () => {
    const positions: SyntheticInitializer = { name: "per_position", dims: [4, HIDDEN], values: pseudoRandom(4 * HIDDEN, 13) };
    const add = { name: "shift", op_type: "Add", input: ["dense_out", "per_position"], output: ["middle_out"] };
    await writeFile(join(model.dir, "model.onnx"), buildModel(headNodes(add), [...INITIALIZERS, positions], VOCAB));
    await expect(prepareModel({ modelDir: model.dir })).rejects.toThrow('reads the constant "per_position" of shape [4, 8]');
  });

  it("rejects a head with one projection", async () => {
    const nodes = [
      { name: "embed", op_type: "Gather", input: ["embedding", "input_ids"], output: ["hidden"], attribute: [{ name: "axis", type: 2, i: 0 }] },
      { name: "decoder", op_type: "MatMul", input: ["hidden", "decoder_weight"], output: ["logits"] },
    ];
    await writeFile(join(model.dir, "model.onnx"), buildModel(nodes, INITIALIZERS, VOCAB));
    await expect(prepareModel({ modelDir: model.dir })).rejects.toThrow('Cannot find the LM head before "logits"');
  });

  it("accepts ReduceMean with attribute axes [-1]", async () => {
    const mean = { name: "mean", op_type: "ReduceMean", input: ["dense_out"], output: ["middle_out"], attribute: [{ name: "axes", type: 7, ints: [-1] }] };
    await writeFile(join(model.dir, "model.onnx"), buildModel(headNodes(mean), INITIALIZERS, VOCAB, 17));
    const result = await prepareModel({ modelDir: model.dir });
    expect(result.record.headNodes).toEqual(["dense", "mean", "decoder", "bias"]);
  });

  it("rejects attribute axes from opset 18 of ai.onnx", async () => {
    // From opset 18, ReduceMean takes its axes as an input, and "axes" is no longer an attribute of it.
    const mean = { name: "mean", op_type: "ReduceMean", input: ["dense_out"], output: ["middle_out"], attribute: [{ name: "axes", type: 7, ints: [-1] }] };
    await writeFile(join(model.dir, "model.onnx"), buildModel(headNodes(mean), INITIALIZERS, VOCAB, 18, "ai.onnx"));
    await expect(prepareModel({ modelDir: model.dir })).rejects.toThrow('The LM head ReduceMean node "mean" must reduce over the attribute axes [-1] only');
  });

  it("rejects an old opset", async () => {
    const relu = { name: "act", op_type: "Relu", input: ["dense_out"], output: ["middle_out"] };
    await writeFile(join(model.dir, "model.onnx"), buildModel(headNodes(relu), INITIALIZERS, VOCAB, 9));
    await expect(prepareModel({ modelDir: model.dir })).rejects.toThrow("The graph uses ONNX opset 9; prepared graphs need opset 11 or later.");
  });

  it("rejects an old opset for quantizing", async () => {
    const relu = { name: "act", op_type: "Relu", input: ["dense_out"], output: ["middle_out"] };
    await writeFile(join(model.dir, "model.onnx"), buildModel(headNodes(relu), INITIALIZERS, VOCAB, 9));
    await expect(quantizeModel({ modelDir: model.dir })).rejects.toThrow(
      `Cannot quantize ${join(model.dir, "model.onnx")}: the graph uses ONNX opset 9, and the int8 graph needs opset 11 or later. Re-export the model with a newer opset (optimum's default is 14 or later).`,
    );
  });
});

describe("ceiling arithmetic", () => {
  it("counts roberta-base FLOPs", () => {
    const shape = { hiddenSize: 768, layers: 12, intermediateSize: 3072, vocabSize: 50265 };
    const perLayerPerToken = 8 * 768 * 768 + 4 * 768 * 3072 + 4 * 18 * 768;
    const head = 2 * 768 * 768 + 2 * 768 * 50265;
    expect(usefulFlopsPerSentence(shape, 18, 1)).toBe(12 * 18 * perLayerPerToken + head);
    expect(usefulFlopsPerSentence(shape, 18, 0)).toBe(12 * 18 * perLayerPerToken);
  });

  it("measures a MatMul rate", async () => {
    const rate = await measureMatMulRate({ rows: 64, inner: 32, columns: 48, runs: 2, intraOpThreads: 1 });
    expect(rate.rows).toBe(64);
    expect(rate.inner).toBe(32);
    expect(rate.columns).toBe(48);
    expect(rate.flopsPerSecond).toBeGreaterThan(0);
    expect(rate.flopsPerSecond).toBe((2 * 64 * 32 * 48) / (rate.fastestMs / 1000));
  });
});
