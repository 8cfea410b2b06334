import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createModelCommand } from "../../src/cli/commands/model.ts";
import { captureIo } from "./capture-io.ts";

const TINY_DIR = fileURLToPath(new URL("../../../../packages/core/test/fixtures/tiny-roberta", import.meta.url));


let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), "maskfill-prepare-cli-"));
  await cp(TINY_DIR, workDir, { recursive: true });
});

afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe("maskfill model prepare", () => {
  it("prepares and verifies a model", async () => {
    const io = captureIo();
    const code = await createModelCommand(io).run(["prepare", workDir]);
    expect(code).toBe(0);
    expect(io.out.join("")).toBe(`${join(workDir, "model.prepared.onnx")}\n`);
    const messages = io.err.join("");
    expect(messages).toContain(`Wrote ${join(workDir, "model.prepared.onnx")} and ${join(workDir, "model.prepared.json")}.`);
    expect(messages).toMatch(/Verified on 4 masked positions: top-1 agrees on 4, top-5 ids differ on 0/u);
    const record = JSON.parse(await readFile(join(workDir, "model.prepared.json"), "utf8")) as { source: { file: string } };
    expect(record.source.file).toBe("model.onnx");
  });

  it("rejects an unknown variant", async () => {
    const attempt = createModelCommand(captureIo()).run(["prepare", workDir, "--variant", "int4"]);
    await expect(attempt).rejects.toThrow('--variant must be fp32, quantized or fp16, got "int4".');
  });

  it("rejects an unknown option", async () => {
    const attempt = createModelCommand(captureIo()).run(["prepare", workDir, "--bogus"]);
    await expect(attempt).rejects.toThrow("Unknown option '--bogus'. Run `maskfill model prepare --help` for the options.");
  });

  it("rejects an empty directory argument", async () => {
    const attempt = createModelCommand(captureIo()).run(["prepare", ""]);
    await expect(attempt).rejects.toThrow("the model directory is an empty string; pass the directory that contains model.onnx.");
  });

  it("rejects a missing directory argument", async () => {
    const attempt = createModelCommand(captureIo()).run(["prepare"]);
    await expect(attempt).rejects.toThrow("expected one model directory, got 0. Run `maskfill model prepare --help`.");
  });

  it("prints help", async () => {
    const io = captureIo();
    expect(await createModelCommand(io).run(["prepare", "--help"])).toBe(0);
    expect(io.out.join("")).toContain("Usage: maskfill model prepare DIR");
  });
});
