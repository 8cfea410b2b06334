import { createHash } from "node:crypto";
import { copyFile, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PreparedIo, PrepareError, prepareModel, preparedRecordSchema } from "../../src/prepare/index.ts";
import { copyTinyModel, moveWeightsToExternalData, WRONG_IO_ONNX } from "./helpers.ts";

let model: { dir: string; cleanup: () => Promise<void> };

beforeEach(async () => {
  model = await copyTinyModel();
});

afterEach(async () => {
  await model.cleanup();
});

function sha256(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Runs one masked sequence through a prepared graph; returns top-3 ids and probabilities. */
async function runPrepared(path: string): Promise<{ ids: bigint[]; probabilities: number[] }> {
  const session = await ort.InferenceSession.create(path);
  try {
    const ids = [0n, 50n, 4n, 60n, 2n];
    const output = await session.run({
      input_ids: new ort.Tensor("int64", BigInt64Array.from(ids), [1, ids.length]),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      [PreparedIo.positions]: new ort.Tensor("int64", BigInt64Array.of(2n), [1]),
      [PreparedIo.topK]: new ort.Tensor("int64", BigInt64Array.of(3n), [1]),
      [PreparedIo.targetIds]: new ort.Tensor("int64", BigInt64Array.of(0n), [1, 1]),
    });
    return { ids: Array.from(output[PreparedIo.topKIds]!.data as BigInt64Array), probabilities: Array.from(output[PreparedIo.topKProbs]!.data as Float32Array) };
  } finally {
    await session.release();
  }
}

describe("prepareModel files", () => {
  it("leaves the source untouched and records it", async () => {
    const sourcePath = join(model.dir, "model.onnx");
    const before = await readFile(sourcePath);
    const result = await prepareModel({ modelDir: model.dir });
    const after = await readFile(sourcePath);
    expect(sha256(after)).toBe(sha256(before));

    const record = preparedRecordSchema.parse(JSON.parse(await readFile(result.recordPath, "utf8")));
    expect(record.source).toEqual({ file: "model.onnx", bytes: before.length, sha256: sha256(before) });
    expect(record.prepared.sha256).toBe(sha256(await readFile(result.preparedPath)));
    expect(record.prepared.bytes).toBe((await stat(result.preparedPath)).size);
    expect(record.opsets).toEqual({ "": 17 });
    expect(record.hiddenState).toBe("/roberta/encoder/layer.1/output/LayerNorm/LayerNormalization_output_0");
    expect(record.headNodes[0]).toBe("/lm_head/dense/MatMul");
    expect(record.headNodes).toHaveLength(10);
    expect(record.approximate).toBe(false);
    expect(result.preparedPath).toBe(join(model.dir, "model.prepared.onnx"));
  });

  it("writes a graph with the prepared inputs and outputs", async () => {
    const result = await prepareModel({ modelDir: model.dir });
    const session = await ort.InferenceSession.create(result.preparedPath);
    try {
      expect([...session.inputNames].sort()).toEqual(["attention_mask", "gather_positions", "input_ids", "target_ids", "top_k"]);
      expect([...session.outputNames].sort()).toEqual(["target_log_probs", "top_k_ids", "top_k_probs"]);
    } finally {
      await session.release();
    }
  });

  it("keeps weights in external data", async () => {
    const source = await readFile(join(model.dir, "model.onnx"));
    const inline = await prepareModel({ modelDir: model.dir });
    const expected = await runPrepared(inline.preparedPath);

    const external = moveWeightsToExternalData(source, "model.onnx_data");
    await writeFile(join(model.dir, "model.onnx"), external.model);
    await writeFile(join(model.dir, "model.onnx_data"), external.data);
    const result = await prepareModel({ modelDir: model.dir });
    expect(result.record.externalDataFiles).toEqual(["model.onnx_data"]);
    // The weights stay in the data file: the prepared graph holds only nodes and small constants.
    expect(result.record.prepared.bytes).toBeLessThan(external.data.length / 4);

    const actual = await runPrepared(result.preparedPath);
    expect(actual.ids).toEqual(expected.ids);
    expect(actual.probabilities).toEqual(expected.probabilities);
  });

  it("rejects missing external data", async () => {
    const source = await readFile(join(model.dir, "model.onnx"));
    const external = moveWeightsToExternalData(source, "weights.bin");
    await writeFile(join(model.dir, "model.onnx"), external.model);
    const attempt = prepareModel({ modelDir: model.dir });
    await expect(attempt).rejects.toBeInstanceOf(PrepareError);
    await expect(attempt).rejects.toThrow(`keeps weights in the external data file "weights.bin", which is missing from ${model.dir}`);
    await expect(stat(join(model.dir, "model.prepared.onnx"))).rejects.toThrow("ENOENT");
  });

  it("rejects external data outside the directory", async () => {
    const source = await readFile(join(model.dir, "model.onnx"));
    const external = moveWeightsToExternalData(source, "../outside-prepare.bin");
    await writeFile(join(model.dir, "model.onnx"), external.model);
    await writeFile(join(model.dir, "..", "outside-prepare.bin"), external.data);
    try {
      const attempt = prepareModel({ modelDir: model.dir });
      await expect(attempt).rejects.toThrow(`keeps weights in the external data file "../outside-prepare.bin", outside ${model.dir}`);
      await expect(stat(join(model.dir, "model.prepared.onnx"))).rejects.toThrow("ENOENT");
    } finally {
      await rm(join(model.dir, "..", "outside-prepare.bin"), { force: true });
    }
  });

  it("rejects a graph without logits", async () => {
    await copyFile(WRONG_IO_ONNX, join(model.dir, "model.onnx"));
    await expect(prepareModel({ modelDir: model.dir })).rejects.toThrow('has outputs [scores] but no "logits"; prepare an optimum fill-mask export');
  });

  it("rejects an already prepared graph", async () => {
    const result = await prepareModel({ modelDir: model.dir });
    await copyFile(result.preparedPath, join(model.dir, "model.onnx"));
    await expect(prepareModel({ modelDir: model.dir })).rejects.toThrow("has outputs [top_k_probs, top_k_ids, target_log_probs] but no \"logits\"");
  });

  it("rejects a truncated file", async () => {
    const source = await readFile(join(model.dir, "model.onnx"));
    await writeFile(join(model.dir, "model.onnx"), source.subarray(0, 5000));
    const attempt = prepareModel({ modelDir: model.dir });
    await expect(attempt).rejects.toBeInstanceOf(PrepareError);
    await expect(attempt).rejects.toThrow(`Cannot read ${join(model.dir, "model.onnx")} as an ONNX model`);
  });

  it("rejects a missing variant file", async () => {
    await expect(prepareModel({ modelDir: model.dir, variant: "quantized" })).rejects.toThrow('Model file for variant "quantized" not found');
  });

  it("replaces an earlier prepared graph", async () => {
    const first = await prepareModel({ modelDir: model.dir });
    await rm(first.recordPath);
    const second = await prepareModel({ modelDir: model.dir });
    expect(second.record.prepared.sha256).toBe(first.record.prepared.sha256);
    expect((await stat(second.recordPath)).isFile()).toBe(true);
  });
});
