import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@maskfill/core/testing";
import { MaskfillProducer, createLogger, type MaskfillConfig } from "@maskfill/core/queue";
import { WorkerService } from "../src/service/worker-service.ts";
import { TINY_MODEL_DIR, deletePrefix, testConfig, uniquePrefix, waitFor } from "./helpers.ts";

describe("worker without a loadable model", () => {
  let db: TestDatabase;
  let config: MaskfillConfig;
  let worker: WorkerService;
  let producer: MaskfillProducer;

  beforeAll(async () => {
    db = await createTestDatabase();
    config = testConfig(db.url, uniquePrefix("model"), { MASKFILL_MODEL_DIR: "/nonexistent/start-model" });
    producer = MaskfillProducer.connect(config);
    worker = await WorkerService.start(config, createLogger("test-worker", "silent"));
  });

  afterAll(async () => {
    await producer?.close();
    await worker?.stop("test finished");
    await deletePrefix(config.queuePrefix);
    await db?.drop();
  });

  it("stays idle with an error status", async () => {
    const state = await waitFor(async () => (await producer.listWorkers()).find((s) => s.id === worker.id), "the worker state");
    expect(state.status).toBe("error");
    expect(state.model).toBeNull();
    expect(state.error).toContain("/nonexistent/start-model");
    expect(state.requestedModelDir).toBe("/nonexistent/start-model");

    const { jobId } = await producer.enqueueSentence({ kind: "fill-mask", text: "Waiting <mask>." });
    expect((await producer.getJob(jobId)).status).toBe("queued");
    await expect(producer.waitForSentence(jobId, 300)).rejects.toThrow(`No result for job ${jobId} within 300 ms; is a worker running? The job stays queued.`);
  });

  it("starts serving after a successful load", async () => {
    const { jobId } = await producer.enqueueSentence({ kind: "fill-mask", text: "Later <mask>." });
    await producer.loadModel({ modelDir: TINY_MODEL_DIR });
    const outcome = await producer.waitForSentence(jobId, 20_000);
    expect(outcome.ok).toBe(true);
    const state = await waitFor(async () => (await producer.listWorkers()).find((s) => s.id === worker.id && s.status === "ready"), "the worker to be ready");
    expect(state.model?.name).toBe("tiny-roberta");
    expect(state.error).toBeNull();
  });
});
