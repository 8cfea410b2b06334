import { mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createModelCommand } from "../../src/cli/commands/model.ts";
import { captureIo } from "./capture-io.ts";

const MINI_FP32 = fileURLToPath(new URL("../../../../packages/core/test/fixtures/mini-roberta/model.onnx", import.meta.url));
const BUNDLED_MINI_DIR = fileURLToPath(new URL("../../../../models/mini-roberta", import.meta.url));


let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), "maskfill-quantize-cli-"));
  await symlink(MINI_FP32, join(workDir, "model.onnx"));
  for (const name of ["tokenizer.json", "tokenizer_config.json", "config.json"]) {
    await symlink(join(BUNDLED_MINI_DIR, name), join(workDir, name));
  }
});

afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("maskfill model quantize", () => {
  it("quantizes, prepares and compares with float32", async () => {
    const io = captureIo();
    const code = await createModelCommand(io).run(["quantize", workDir]);
    expect(code).toBe(0);
    expect(io.out.join("")).toBe(`${join(workDir, "model_quantized.prepared.onnx")}\n`);
    const messages = io.err.join("");
    expect(messages).toMatch(/^Quantized 24 MatMuls of .*model\.onnx in \d+\.\d s \(28\.9 MiB -> \d+\.\d MiB\)\./u);
    expect(messages).toContain(`Wrote ${join(workDir, "model_quantized.onnx")} and ${join(workDir, "model_quantized.quantize.json")}.`);
    expect(messages).toContain(`Wrote ${join(workDir, "model_quantized.prepared.onnx")} and ${join(workDir, "model_quantized.prepared.json")}.`);
    expect(messages).toMatch(/Against the float32 model on 4 masked positions: top-1 agrees on [34], max top-5 probability difference \d\.\d\de-\d+\./u);
    const record = JSON.parse(await readFile(join(workDir, "model_quantized.prepared.json"), "utf8")) as { source: { file: string } };
    expect(record.source.file).toBe("model_quantized.onnx");
  });

  it("writes only the int8 graph with --no-prepare", async () => {
    const io = captureIo();
    const code = await createModelCommand(io).run(["quantize", workDir, "--no-prepare"]);
    expect(code).toBe(0);
    expect(io.out.join("")).toBe(`${join(workDir, "model_quantized.onnx")}\n`);
    expect(io.err.join("")).not.toContain("prepared");
  });

  it("rejects a missing directory argument", async () => {
    const attempt = createModelCommand(captureIo()).run(["quantize"]);
    await expect(attempt).rejects.toThrow("expected one model directory, got 0. Run `maskfill model quantize --help`.");
  });

  it("rejects an unknown option", async () => {
    const attempt = createModelCommand(captureIo()).run(["quantize", workDir, "--bogus"]);
    await expect(attempt).rejects.toThrow("Run `maskfill model quantize --help` for the options.");
  });

  it("rejects an empty directory argument", async () => {
    const attempt = createModelCommand(captureIo()).run(["quantize", ""]);
    await expect(attempt).rejects.toThrow("the model directory is an empty string; pass the directory that contains model.onnx.");
  });

  it("prints its help", async () => {
    const io = captureIo();
    expect(await createModelCommand(io).run(["quantize", "--help"])).toBe(0);
    expect(io.out.join("")).toContain("Usage: maskfill model quantize DIR [--force] [--no-prepare]");
  });
});
