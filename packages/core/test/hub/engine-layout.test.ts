import { readFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/index.ts";
import { fetchModel } from "../../src/hub/index.ts";
import { startFakeHub, type FakeHub } from "./fake-hub.ts";

const BUNDLED = new URL("../../../../models/mini-roberta/", import.meta.url);

async function bundled(name: string): Promise<Buffer> {
  return readFile(new URL(name, BUNDLED));
}

let hub: FakeHub;
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "maskfill-hub-engine-"));
  const onnx = { content: await bundled("model_quantized.onnx"), lfs: true };
  const configs = {
    "config.json": { content: await bundled("config.json") },
    "tokenizer.json": { content: await bundled("tokenizer.json") },
    "tokenizer_config.json": { content: await bundled("tokenizer_config.json") },
  };
  hub = await startFakeHub({
    repos: {
      "acme/mini-transformersjs": { "onnx/model_quantized.onnx": onnx, ...configs },
      "acme/mini-optimum": { "model_quantized.onnx": onnx, ...configs },
    },
  });
});

afterAll(async () => {
  await hub.close();
  await rm(workDir, { recursive: true, force: true });
});

describe("fetched model layout", () => {
  it.each(["acme/mini-transformersjs", "acme/mini-optimum"])("loads %s in the engine", async (repo) => {
    const modelDir = join(workDir, repo.split("/")[1] ?? repo);
    const fetched = await fetchModel({ repo, variant: "quantized", endpoint: hub.endpoint, modelDir });

    const engine = await Engine.load({ modelDir: fetched.modelDir });
    try {
      expect(engine.info.variant).toBe("quantized");
      expect(engine.info.onnxPath).toBe(join(modelDir, ...fetched.onnxPath.split("/")));
      const [outcome] = await engine.fillMask([{ text: "The cat sat on the <mask>.", topK: 3 }]);
      if (outcome?.ok !== true) {
        throw new Error(`fill-mask failed: ${JSON.stringify(outcome)}`);
      }
      expect(outcome.value.masks.length).toBe(1);
      expect(outcome.value.masks[0]?.length).toBe(3);
    } finally {
      await engine.dispose();
    }
  });
});
