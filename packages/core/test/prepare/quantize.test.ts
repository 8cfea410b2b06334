import { createHash } from "node:crypto";
import { readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterEach, describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/index.ts";
import { inspectOnnxFile } from "../../src/engine/onnx-parameters.ts";
import { prepareModel, quantizeColumns, quantizeModel, verifyPreparedModel, type QuantizeRecord } from "../../src/prepare/index.ts";
import { BUNDLED_MINI_DIR, makeModelDir, MINI_FIXTURE_DIR, readJsonLines, type GoldenFillMask } from "../engine/helpers.ts";
import { copyTinyModel, moveWeightsToExternalData, WRONG_IO_ONNX } from "./helpers.ts";

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  while (cleanups.length > 0) {
    await cleanups.pop()!();
  }
});

/**
 * Creates a directory of symlinks to the mini model's tokenizer and config plus `onnxFiles`
 * (relative name to target), by default the trained float32 graph as model.onnx.
 */
async function miniModelDir(onnxFiles: Record<string, string> = { "model.onnx": join(MINI_FIXTURE_DIR, "model.onnx") }): Promise<string> {
  const model = await makeModelDir({
    ...onnxFiles,
    "tokenizer.json": join(BUNDLED_MINI_DIR, "tokenizer.json"),
    "tokenizer_config.json": join(BUNDLED_MINI_DIR, "tokenizer_config.json"),
    "config.json": join(BUNDLED_MINI_DIR, "config.json"),
  });
  cleanups.push(model.cleanup);
  return model.dir;
}

async function tinyCopy(): Promise<string> {
  const model = await copyTinyModel();
  cleanups.push(model.cleanup);
  return model.dir;
}

/** Runs a graph on rows of token ids (1 is padding) and returns its logits. */
async function logitsOf(onnxPath: string, rows: number[][]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(onnxPath);
  try {
    const width = Math.max(...rows.map((row) => row.length));
    const padded = rows.map((row) => [...row, ...Array<number>(width - row.length).fill(1)]);
    const ids = new ort.Tensor("int64", BigInt64Array.from(padded.flat().map(BigInt)), [rows.length, width]);
    const mask = new ort.Tensor("int64", BigInt64Array.from(padded.flatMap((row, r) => row.map((_, i) => (i < rows[r]!.length ? 1n : 0n)))), [rows.length, width]);
    const output = await session.run({ input_ids: ids, attention_mask: mask });
    return output.logits!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe("quantizeColumns", () => {
  it("scales each column by its largest magnitude", () => {
    const weights = Float32Array.from([0.63, -1.26, 0, -0.21, 0.5, 0]);
    const { levels, scales } = quantizeColumns(weights, 2, 3);
    expect(Array.from(scales)).toEqual([Math.fround(0.01), Math.fround(0.02), 1]);
    expect(Array.from(levels)).toEqual([63, -63, 0, -21, 25, 0]);
  });

  it("honours a smaller level limit", () => {
    const { levels, scales } = quantizeColumns(Float32Array.from([4, -2, 1]), 3, 1, 2);
    expect(Array.from(scales)).toEqual([2]);
    expect(Array.from(levels)).toEqual([2, -1, 1]);
  });

  it("rejects a shape that does not match the data", () => {
    expect(() => quantizeColumns(new Float32Array(5), 2, 3)).toThrow("weights has 5 values, but rows x columns is 2 x 3 = 6.");
  });
});

describe("quantizeModel", () => {
  it("writes an int8 graph and its record", async () => {
    const dir = await miniModelDir();
    const result = await quantizeModel({ modelDir: dir });

    expect(result.quantizedPath).toBe(join(dir, "model_quantized.onnx"));
    expect(result.recordPath).toBe(join(dir, "model_quantized.quantize.json"));
    const record = JSON.parse(await readFile(result.recordPath, "utf8")) as QuantizeRecord;
    // Four layers with query, key, value, attention output, intermediate and output projections.
    expect(record.quantizedNodes).toHaveLength(24);
    expect(record.quantizedNodes).toContain("/roberta/encoder/layer.0/attention/self/query/MatMul");
    expect(record.floatHeadNodes).toContain("/lm_head/decoder/MatMul");
    expect(record.droppedInitializers).toHaveLength(24);
    expect(record.weightMaxLevel).toBe(63);
    const written = await readFile(result.quantizedPath);
    expect(record.quantized.sha256).toBe(createHash("sha256").update(written).digest("hex"));
    expect(record.quantized.bytes).toBe(written.length);
    expect(record.source.file).toBe("model.onnx");

    const { opTypes } = await inspectOnnxFile(result.quantizedPath);
    expect(opTypes.has("MatMulInteger")).toBe(true);
    expect(opTypes.has("DynamicQuantizeLinear")).toBe(false);
  });

  it("keeps each row independent of its batch", async () => {
    const dir = await miniModelDir();
    const { quantizedPath } = await quantizeModel({ modelDir: dir });
    // Token ids below the mini model's 8,192-token vocabulary.
    const sentence = [0, 133, 4758, 3299, 15, 5, 812, 4, 2];
    const other = [0, 100, 657, 7, 1373, 10, 319, 9, 28, 2156, 98, 6001, 8, 2];
    const batchEffect = async (onnxPath: string): Promise<number> => {
      const alone = await logitsOf(onnxPath, [sentence]);
      const batched = await logitsOf(onnxPath, [other, sentence, other]);
      // The sentence is row 1 of the batch, padded from 9 to 14 positions.
      const vocab = alone.length / sentence.length;
      let maxDifference = 0;
      for (let position = 0; position < sentence.length; position += 1) {
        for (let id = 0; id < vocab; id += 1) {
          const inBatch = batched[(1 * other.length + position) * vocab + id]!;
          maxDifference = Math.max(maxDifference, Math.abs(alone[position * vocab + id]! - inBatch));
        }
      }
      return maxDifference;
    };
    expect(await batchEffect(quantizedPath)).toBeLessThan(1e-4);
    // The bundled export quantizes each whole batch with one scale, so its rows do change.
    expect(await batchEffect(join(BUNDLED_MINI_DIR, "model_quantized.onnx"))).toBeGreaterThan(1e-3);
  });

  it("agrees with float32 on the golden sentences", async () => {
    const dir = await miniModelDir();
    await quantizeModel({ modelDir: dir });
    const golden = await readJsonLines<GoldenFillMask>(join(MINI_FIXTURE_DIR, "golden/fill-mask.jsonl"));
    const engine = await Engine.load({ modelDir: dir, variant: "quantized" });
    try {
      expect(engine.info.variant).toBe("quantized");
      const outcomes = await engine.fillMask(golden.map((entry) => ({ text: entry.text, topK: 1, dropSpecialTokens: false })));
      let masks = 0;
      let agreeing = 0;
      let maxDifference = 0;
      outcomes.forEach((outcome, index) => {
        if (!outcome.ok) throw new Error(`${golden[index]!.text}: ${outcome.error.message}`);
        outcome.value.masks.forEach((predictions, maskIndex) => {
          const reference = golden[index]!.masks[maskIndex]![0]!;
          masks += 1;
          agreeing += predictions[0]!.tokenId === reference.token ? 1 : 0;
          maxDifference = Math.max(maxDifference, Math.abs(predictions[0]!.probability - reference.score));
        });
      });
      expect(masks).toBeGreaterThanOrEqual(20);
      expect(agreeing / masks).toBeGreaterThanOrEqual(0.9);
      expect(maxDifference).toBeLessThan(0.05);
    } finally {
      await engine.dispose();
    }
  });

  it("prepares to a graph equal to the plain int8 graph", async () => {
    const dir = await miniModelDir();
    await quantizeModel({ modelDir: dir });
    const prepared = await prepareModel({ modelDir: dir, variant: "quantized" });
    expect(prepared.record.approximate).toBe(false);
    const report = await verifyPreparedModel(dir, "quantized", prepared.preparedPath);
    expect(report.positions).toBe(4);
    expect(report.topKMismatches).toBe(0);
    expect(report.maxProbabilityDifference).toBeLessThanOrEqual(1e-5);
  });

  it("replaces its own output and deletes the stale prepared graph", async () => {
    const dir = await miniModelDir();
    await quantizeModel({ modelDir: dir });
    const prepared = await prepareModel({ modelDir: dir, variant: "quantized" });
    const again = await quantizeModel({ modelDir: dir });
    expect(again.removedPreparedFiles).toEqual([prepared.preparedPath, prepared.recordPath]);
    await expect(stat(prepared.preparedPath)).rejects.toThrow("ENOENT");
  });

  it("rejects replacing a foreign int8 graph without force", async () => {
    const dir = await miniModelDir();
    await symlink(join(BUNDLED_MINI_DIR, "model_quantized.onnx"), join(dir, "model_quantized.onnx"));
    const attempt = quantizeModel({ modelDir: dir });
    await expect(attempt).rejects.toThrow(`${join(dir, "model_quantized.onnx")} already exists and was not written by \`maskfill model quantize\` (model_quantized.quantize.json is missing or names another sha256); pass --force to replace it.`);

    const forced = await quantizeModel({ modelDir: dir, force: true });
    expect(forced.record.quantizedNodes).toHaveLength(24);
    // The bundled model behind the old symlink is untouched: the new file replaced the link.
    const bundled = await readFile(join(BUNDLED_MINI_DIR, "model_quantized.onnx"));
    expect(bundled.length).toBe(7_788_881);
  });

  it("rejects a foreign graph beside an old record", async () => {
    const dir = await miniModelDir();
    await quantizeModel({ modelDir: dir });
    await rm(join(dir, "model_quantized.onnx"));
    await symlink(join(BUNDLED_MINI_DIR, "model_quantized.onnx"), join(dir, "model_quantized.onnx"));
    const attempt = quantizeModel({ modelDir: dir });
    await expect(attempt).rejects.toThrow("(model_quantized.quantize.json is missing or names another sha256); pass --force to replace it.");
  });

  it("rejects a top-level graph that would shadow onnx/", async () => {
    const dir = await miniModelDir({
      "onnx/model.onnx": join(MINI_FIXTURE_DIR, "model.onnx"),
      "model_quantized.onnx": join(BUNDLED_MINI_DIR, "model_quantized.onnx"),
    });
    const attempt = quantizeModel({ modelDir: dir });
    await expect(attempt).rejects.toThrow(`${join(dir, "model_quantized.onnx")} exists, and the engine would load it instead of the ${join(dir, "onnx", "model_quantized.onnx")} this command writes; move or delete it first.`);
  });

  it("writes into onnx/ for the transformers.js layout", async () => {
    const dir = await miniModelDir({ "onnx/model.onnx": join(MINI_FIXTURE_DIR, "model.onnx") });
    const result = await quantizeModel({ modelDir: dir });
    expect(result.quantizedPath).toBe(join(dir, "onnx", "model_quantized.onnx"));
    expect(result.record.externalDataFiles).toEqual([]);
  });

  it("stops without writing when aborted", async () => {
    const dir = await tinyCopy();
    const before = await readdir(dir);
    const controller = new AbortController();
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(quantizeModel({ modelDir: dir, signal: controller.signal })).rejects.toBe(reason);
    expect(await readdir(dir)).toEqual(before);
  });

  it("rejects a graph that is quantized already", async () => {
    const dir = await miniModelDir({ "model.onnx": join(BUNDLED_MINI_DIR, "model_quantized.onnx") });
    const attempt = quantizeModel({ modelDir: dir });
    await expect(attempt).rejects.toThrow(/model\.onnx is quantized already \(node ".*" is DynamicQuantizeLinear\); quantize the float32 export instead\./u);
  });

  it("rejects a graph without logits", async () => {
    const dir = await tinyCopy();
    await rm(join(dir, "model.onnx"));
    await symlink(WRONG_IO_ONNX, join(dir, "model.onnx"));
    const attempt = quantizeModel({ modelDir: dir });
    await expect(attempt).rejects.toThrow(/but no "logits"; quantize an optimum fill-mask export/u);
  });

  it("reads weights from external data", async () => {
    const inlineDir = await tinyCopy();
    const externalDir = await tinyCopy();
    const external = moveWeightsToExternalData(await readFile(join(inlineDir, "model.onnx")), "model.onnx_data");
    await writeFile(join(externalDir, "model.onnx"), external.model);
    await writeFile(join(externalDir, "model.onnx_data"), external.data);

    const fromInline = await quantizeModel({ modelDir: inlineDir });
    const fromExternal = await quantizeModel({ modelDir: externalDir });
    expect(fromExternal.record.quantizedNodes).toEqual(fromInline.record.quantizedNodes);
    const rows = [[0, 5, 17, 4, 9, 2]];
    const expected = await logitsOf(fromInline.quantizedPath, rows);
    const actual = await logitsOf(fromExternal.quantizedPath, rows);
    expect(Array.from(actual)).toEqual(Array.from(expected));
  });

  it("rejects missing or outside external data", async () => {
    const dir = await tinyCopy();
    const source = await readFile(join(dir, "model.onnx"));
    await writeFile(join(dir, "model.onnx"), moveWeightsToExternalData(source, "weights.bin").model);
    await expect(quantizeModel({ modelDir: dir })).rejects.toThrow(`keeps weights in the external data file "weights.bin", which is missing from ${dir}; copy it next to the model.`);

    const outside = moveWeightsToExternalData(source, "../outside.bin");
    await writeFile(join(dir, "model.onnx"), outside.model);
    await writeFile(join(dir, "..", "outside.bin"), outside.data);
    cleanups.push(() => rm(join(dir, "..", "outside.bin"), { force: true }));
    await expect(quantizeModel({ modelDir: dir })).rejects.toThrow(`keeps weights in the external data file "../outside.bin", outside ${dir}`);
    await expect(stat(join(dir, "model_quantized.onnx"))).rejects.toThrow("ENOENT");
  });

  it("records the external data it still reads", async () => {
    const dir = await tinyCopy();
    const external = moveWeightsToExternalData(await readFile(join(dir, "model.onnx")), "model.onnx_data");
    await writeFile(join(dir, "model.onnx"), external.model);
    await writeFile(join(dir, "model.onnx_data"), external.data);
    const result = await quantizeModel({ modelDir: dir });
    expect(result.record.externalDataFiles).toEqual(["model.onnx_data"]);
  });

  it("rejects truncated external data", async () => {
    const dir = await tinyCopy();
    const external = moveWeightsToExternalData(await readFile(join(dir, "model.onnx")), "model.onnx_data");
    await writeFile(join(dir, "model.onnx"), external.model);
    await writeFile(join(dir, "model.onnx_data"), external.data.subarray(0, 100));
    const attempt = quantizeModel({ modelDir: dir });
    await expect(attempt).rejects.toThrow(/External data file model\.onnx_data ends before the \d+ bytes of ".+" at offset \d+; the file is truncated\./u);
  });
});
