import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createModelCommand } from "../../src/cli/commands/model.ts";
import type { CliIo } from "../../src/cli/model/cli-io.ts";
import { FAKE_COMMIT, pseudoRandomBytes, startFakeHub, type FakeHub } from "../../../../packages/core/test/hub/fake-hub.ts";

const ONNX = pseudoRandomBytes(20_000, 11);

function captureIo(env: Record<string, string | undefined>): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    env,
  };
}

let hub: FakeHub;
let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), "maskfill-model-cli-"));
  hub = await startFakeHub({
    token: "hf_cliToken",
    repos: {
      "Xenova/roberta-large": {
        "onnx/model_quantized.onnx": { content: ONNX, lfs: true },
        "config.json": { content: Buffer.from("{}") },
        "tokenizer.json": { content: Buffer.from('{"model": {}}') },
        "tokenizer_config.json": { content: Buffer.from("{}") },
      },
      "FacebookAI/roberta-large": {
        "config.json": { content: Buffer.from("{}") },
      },
    },
  });
});

afterEach(async () => {
  await hub.close();
  await rm(workDir, { recursive: true, force: true });
});

describe("maskfill model fetch", () => {
  it("fetches into dir/name", async () => {
    const io = captureIo({ HF_ENDPOINT: hub.endpoint, HF_TOKEN: "hf_cliToken" });
    const command = createModelCommand(io);
    const code = await command.run([
      "fetch",
      "roberta-large",
      "--repo",
      "Xenova/roberta-large",
      "--variant",
      "quantized",
      "--dir",
      workDir,
    ]);

    expect(code).toBe(0);
    const modelDir = join(workDir, "roberta-large");
    expect(io.out).toEqual([`${modelDir}\n`]);
    expect(await readFile(join(modelDir, "onnx", "model_quantized.onnx"))).toEqual(ONNX);
    const stderr = io.err.join("");
    expect(stderr).toContain(`Fetching Xenova/roberta-large (quantized, revision main) from ${hub.endpoint} into ${modelDir}\n`);
    expect(stderr).toContain("onnx/model_quantized.onnx: 20.0 kB\n  downloaded, sha256 checked\n");
    expect(stderr).toContain(`Model ready: 4 files from Xenova/roberta-large at commit ${FAKE_COMMIT}.`);
    expect(stderr).not.toContain("hf_cliToken");
  });

  it("resolves the roberta-large alias", async () => {
    const io = captureIo({ HF_TOKEN: "hf_cliToken" });
    const command = createModelCommand(io);
    const run = command.run(["fetch", "roberta-large", "--endpoint", hub.endpoint, "--dir", workDir]);
    await expect(run).rejects.toThrow(
      'FacebookAI/roberta-large at revision "main" has no ONNX export for variant "fp32": tried onnx/model.onnx and model.onnx. Export it yourself with `optimum-cli export onnx --model FacebookAI/roberta-large --task fill-mask DIR`',
    );
    expect(hub.requests.map((request) => request.path)).toEqual([
      "/FacebookAI/roberta-large/resolve/main/onnx/model.onnx",
      "/FacebookAI/roberta-large/resolve/main/model.onnx",
    ]);
  });

  it("explains a missing token", async () => {
    const io = captureIo({ HF_ENDPOINT: hub.endpoint });
    const run = createModelCommand(io).run(["fetch", "Xenova/roberta-large", "--variant", "quantized", "--dir", workDir]);
    await expect(run).rejects.toThrow("set HF_TOKEN to an access token that can read it.");
  });

  it("rejects an unknown variant", async () => {
    const io = captureIo({});
    const run = createModelCommand(io).run(["fetch", "roberta-base", "--variant", "int8"]);
    await expect(run).rejects.toThrow('--variant must be fp32, quantized or fp16, got "int8".');
    expect(hub.requests).toEqual([]);
  });

  it("rejects a missing model name", async () => {
    const run = createModelCommand(captureIo({})).run(["fetch"]);
    await expect(run).rejects.toThrow("missing model name: pass roberta-base, roberta-large or a repository id, or --repo.");
  });

  it("rejects an unknown subcommand", async () => {
    const io = captureIo({});
    const code = await createModelCommand(io).run(["pull"]);
    expect(code).toBe(2);
    expect(io.err.join("")).toContain('maskfill model: unknown subcommand "pull".');
    expect(io.err.join("")).toContain("  fetch      Download an ONNX model from the Hugging Face Hub");
  });

  it("prints fetch help", async () => {
    const io = captureIo({});
    const code = await createModelCommand(io).run(["fetch", "--help"]);
    expect(code).toBe(0);
    expect(io.out.join("")).toMatch(/^Usage: maskfill model fetch NAME/);
  });
});
