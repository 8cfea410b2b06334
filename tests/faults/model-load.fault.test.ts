import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisKeys } from "@maskfill/core/queue";
import { FaultStack, TINY_MODEL_DIR } from "./support/fault-stack.ts";
import { waitFor } from "./support/processes.ts";

let stack: FaultStack;
let corruptDir: string;

beforeAll(async () => {
  stack = await FaultStack.start();
  await stack.startWorker("serving");
  // A model directory whose tokenizer is fine but whose ONNX file is garbage, as a truncated copy would be.
  corruptDir = await mkdtemp(join(tmpdir(), "maskfill-fault-corrupt-model-"));
  for (const file of ["config.json", "tokenizer.json", "tokenizer_config.json"]) await copyFile(join(TINY_MODEL_DIR, file), join(corruptDir, file));
  await writeFile(join(corruptDir, "model.onnx"), Buffer.from("this is not an ONNX protobuf file".repeat(100)));
});

afterAll(async () => {
  await stack?.stop();
  await rm(corruptDir, { recursive: true, force: true });
});

async function predictStatus(): Promise<number> {
  const answer = await stack.api("/api/predict", { method: "POST", body: JSON.stringify({ text: "The <mask> is blue.", topK: 2 }) });
  return answer.status;
}

async function loadAndWaitForError(modelDir: string): Promise<{ status: string; error: string | null; model: { modelDir: string } | null }> {
  const sent = await stack.api<{ workers: number }>("/api/workers/load", { method: "POST", body: JSON.stringify({ modelDir }) });
  expect(sent.status).toBe(202);
  expect(sent.body.workers).toBe(1);
  return waitFor(async () => {
    const state = await stack.workerState("serving");
    return state !== undefined && state.error !== null ? state : undefined;
  }, `the load of ${modelDir} to fail\n${stack.logs()}`, 60_000, 200);
}

describe("model directory missing or corrupt at load", () => {
  it("keeps serving the previous model after a missing directory", async () => {
    const state = await loadAndWaitForError("/nonexistent/model/dir");
    expect(state.status).toBe("ready");
    expect(state.model?.modelDir).toBe(TINY_MODEL_DIR);
    expect(state.error).toContain("/nonexistent/model/dir");
    expect(await predictStatus()).toBe(200);
  });

  it("keeps serving the previous model after a corrupt ONNX file", async () => {
    // Clear the previous error first by loading the good model again.
    await stack.api("/api/workers/load", { method: "POST", body: JSON.stringify({ modelDir: TINY_MODEL_DIR }) });
    await waitFor(async () => (await stack.workerState("serving"))?.error === null, "the good model to load again", 60_000, 200);

    const state = await loadAndWaitForError(corruptDir);
    expect(state.status).toBe("ready");
    expect(state.model?.modelDir).toBe(TINY_MODEL_DIR);
    expect(await predictStatus()).toBe(200);
  });

  it("leaves a worker without a model idle with status error", async () => {
    // A starting worker prefers the fleet's stored model choice (the good model loaded above), so
    // clear it: the new worker then has only its own, corrupt, MASKFILL_MODEL_DIR.
    const redis = new Redis(stack.redis.url);
    try {
      await redis.del(redisKeys.desiredModel(stack.env["MASKFILL_QUEUE_PREFIX"]!));
    } finally {
      redis.disconnect();
    }
    stack.spawnWorker("broken", { MASKFILL_MODEL_DIR: corruptDir });
    const state = await waitFor(async () => {
      const found = await stack.workerState("broken");
      return found?.status === "error" ? found : undefined;
    }, `worker "broken" to report status error\n${stack.logs()}`, 60_000, 200);
    expect(state.model).toBeNull();
    expect(state.error).not.toBe("");
    // The serving worker still returns predictions, and the broken one takes no work.
    expect(await predictStatus()).toBe(200);
  });
});
