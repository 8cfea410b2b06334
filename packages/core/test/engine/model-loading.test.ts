import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  BUNDLED_MODEL_DIR,
  defaultModelDir,
  Engine,
  EngineDisposedError,
  EngineOptionError,
  isBundledModelDir,
  ModelLoadError,
} from "../../src/engine/index.ts";
import { BUNDLED_MINI_DIR, FIXTURES, makeModelDir, TINY_DIR, tinyFiles } from "./helpers.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function modelDir(files: Record<string, string>): Promise<string> {
  const made = await makeModelDir(files);
  cleanups.push(made.cleanup);
  return made.dir;
}

async function loadError(promise: Promise<Engine>): Promise<Error> {
  const engine = await promise.catch((error: Error) => error);
  if (engine instanceof Engine) {
    await engine.dispose();
    throw new Error("expected Engine.load to fail");
  }
  return engine;
}

describe("Engine.load", () => {
  it("reports model info", async () => {
    const engine = await Engine.load({ modelDir: TINY_DIR });
    try {
      expect(engine.info).toMatchObject({
        name: "tiny-roberta",
        modelDir: TINY_DIR,
        onnxPath: join(TINY_DIR, "model.onnx"),
        variant: "fp32",
        parameterCount: 99_016,
        executionProvider: "cpu",
        vocabSize: 1000,
        maskToken: "<mask>",
        maxSequenceLength: 512,
      });
      expect(engine.info.loadMs).toBeGreaterThanOrEqual(0);
    } finally {
      await engine.dispose();
    }
  });

  it("loads the transformers.js layout", async () => {
    const { "model.onnx": onnx, ...rest } = tinyFiles();
    const dir = await modelDir({ ...rest, "onnx/model_quantized.onnx": onnx!, "onnx/model.onnx": onnx! });
    const engine = await Engine.load({ modelDir: dir, variant: "quantized" });
    try {
      expect(engine.info.onnxPath).toBe(join(dir, "onnx", "model_quantized.onnx"));
      expect(engine.info.variant).toBe("quantized");
    } finally {
      await engine.dispose();
    }
  });

  it("names the missing model directory", async () => {
    const error = await loadError(Engine.load({ modelDir: "/nonexistent/model-dir" }));
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error.message).toContain("Model directory not found: /nonexistent/model-dir");
    expect((error as ModelLoadError).retryable).toBe(false);
  });

  it("rejects a file as model directory", async () => {
    const error = await loadError(Engine.load({ modelDir: join(TINY_DIR, "config.json") }));
    expect(error.message).toContain("not a directory");
  });

  it("names both paths of a missing variant", async () => {
    const error = await loadError(Engine.load({ modelDir: TINY_DIR, variant: "fp16" }));
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error.message).toContain(join(TINY_DIR, "model_fp16.onnx"));
    expect(error.message).toContain(join(TINY_DIR, "onnx", "model_fp16.onnx"));
    expect(error.message).toContain("Files present: model.onnx");
  });

  it("names a missing tokenizer.json", async () => {
    const { "tokenizer.json": _omitted, ...rest } = tinyFiles();
    const dir = await modelDir(rest);
    const error = await loadError(Engine.load({ modelDir: dir }));
    expect(error.message).toContain(join(dir, "tokenizer.json"));
    expect(error.message).toContain("file not found");
  });

  it("names a config.json with invalid JSON", async () => {
    const { "config.json": _replaced, ...rest } = tinyFiles();
    const dir = await modelDir(rest);
    await writeFile(join(dir, "config.json"), "{ not json");
    const error = await loadError(Engine.load({ modelDir: dir }));
    expect(error.message).toContain(`Invalid JSON in ${join(dir, "config.json")}`);
  });

  it("names a config.json without vocab_size", async () => {
    const { "config.json": _replaced, ...rest } = tinyFiles();
    const dir = await modelDir(rest);
    await writeFile(join(dir, "config.json"), JSON.stringify({ max_position_embeddings: 514 }));
    const error = await loadError(Engine.load({ modelDir: dir }));
    expect(error.message).toContain(join(dir, "config.json"));
    expect(error.message).toContain("vocab_size");
  });

  it("names an unreadable ONNX file", async () => {
    const dir = await modelDir({ ...tinyFiles(), "model.onnx": join(TINY_DIR, "tokenizer.json") });
    const error = await loadError(Engine.load({ modelDir: dir }));
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error.message).toContain(`Cannot load the ONNX model ${join(dir, "model.onnx")}`);
  });

  it("names unexpected graph inputs and outputs", async () => {
    const dir = await modelDir({ ...tinyFiles(), "model.onnx": join(FIXTURES, "wrong-io.onnx") });
    const error = await loadError(Engine.load({ modelDir: dir }));
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error.message).toContain(join(dir, "model.onnx"));
    expect(error.message).toContain("inputs [token_ids] and outputs [scores]");
    expect(error.message).toContain("expected inputs input_ids and attention_mask and output logits");
  });

  it("explains missing CUDA binaries", async () => {
    const ortDir = dirname(createRequire(import.meta.url).resolve("onnxruntime-node"));
    const cudaLibrary = join(ortDir, "..", "bin", "napi-v6", "linux", "x64", "libonnxruntime_providers_cuda.so");
    if (existsSync(cudaLibrary)) {
      return; // This machine has the CUDA binaries, so there is no error to check.
    }
    const error = await loadError(Engine.load({ modelDir: TINY_DIR, executionProvider: "cuda" }));
    expect(error).toBeInstanceOf(ModelLoadError);
    expect(error.message).toContain("CUDA execution provider");
    expect(error.message).toContain("--onnxruntime-node-install=cuda12");
  });

  it.each([
    [{ tokenBudget: 0 }, "tokenBudget must be a positive integer"],
    [{ tokenBudget: 1.5 }, "tokenBudget must be a positive integer"],
    [{ intraOpThreads: -1 }, "intraOpThreads must be an integer of 0 or more"],
    [{ threadSpinning: "no" }, "threadSpinning must be true or false"],
    [{ maxMasksPerText: 0 }, "maxMasksPerText must be an integer from 1 to 512"],
    [{ executionProvider: "tpu" }, "executionProvider must be cpu or cuda"],
    [{ variant: "int4" }, "variant must be fp32, quantized or fp16"],
    [{ modelDir: "" }, "modelDir must be a non-empty path"],
  ])("rejects option %o", async (override, message) => {
    const error = await loadError(Engine.load({ modelDir: TINY_DIR, ...(override as object) }));
    expect(error).toBeInstanceOf(EngineOptionError);
    expect(error.message).toContain(message);
  });

  it("fails after dispose", async () => {
    const engine = await Engine.load({ modelDir: TINY_DIR, intraOpThreads: 1, threadSpinning: false });
    await engine.dispose();
    await engine.dispose();
    await expect(engine.fillMask([{ text: "The <mask>." }])).rejects.toBeInstanceOf(EngineDisposedError);
  });
});

describe("default model", () => {
  it("prefers MASKFILL_MODEL_DIR", () => {
    expect(defaultModelDir({ MASKFILL_MODEL_DIR: "/models/roberta-large" })).toBe("/models/roberta-large");
  });

  it("falls back to the bundled model", () => {
    expect(defaultModelDir({})).toBe(BUNDLED_MODEL_DIR);
    expect(defaultModelDir({ MASKFILL_MODEL_DIR: "  " })).toBe(BUNDLED_MODEL_DIR);
    expect(BUNDLED_MODEL_DIR).toBe(BUNDLED_MINI_DIR);
    expect(isBundledModelDir(`${BUNDLED_MINI_DIR}/`)).toBe(true);
    expect(isBundledModelDir(TINY_DIR)).toBe(false);
  });

  it("resolves the bundled model to int8", async () => {
    const engine = await Engine.load({ modelDir: defaultModelDir({}) });
    try {
      expect(engine.info.variant).toBe("quantized");
      expect(engine.info.name).toBe("mini-roberta");
    } finally {
      await engine.dispose();
    }
  });

  it("names the missing fp32 file of the bundled model", async () => {
    const error = await loadError(Engine.load({ modelDir: BUNDLED_MINI_DIR, variant: "fp32" }));
    expect(error.message).toContain("Files present: model_quantized.onnx");
  });
});

describe("maskfill.json manifest", () => {
  it("rejects an unknown default variant", async () => {
    const dir = await mkdtemp(join(tmpdir(), "maskfill-manifest-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, "maskfill.json"), JSON.stringify({ defaultVariant: "int4" }));
    const error = await loadError(Engine.load({ modelDir: dir }));
    expect(error.message).toContain(join(dir, "maskfill.json"));
    expect(error.message).toContain("defaultVariant");
  });
});
