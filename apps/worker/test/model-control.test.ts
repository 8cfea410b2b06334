import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, deleteRedisKeys, type TestDatabase } from "@maskfill/core/testing";
import { INTERACTIVE_QUEUE, MaskfillProducer, createLogger, redisKeys, type MaskfillConfig } from "@maskfill/core/queue";
import { WorkerService } from "../src/service/worker-service.ts";
import { TINY_MODEL_DIR, spawnWorker, testConfig, uniquePrefix, waitFor, type ChildWorker } from "./helpers.ts";

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
    await deleteRedisKeys(config.queuePrefix);
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

  it("rejects a waiting submission when its producer closes", async () => {
    const closing = MaskfillProducer.connect(config);
    const jobsBefore = await db.prisma.job.count();
    const submission = closing.submitSentence({ kind: "fill-mask", text: "Abandoned <mask>." }, { timeoutMs: 20_000 });
    const rejected = expect(submission).rejects.toThrow("The producer closed before the job finished.");
    const job = await waitFor(async () => (await db.prisma.job.count()) > jobsBefore && db.prisma.job.findFirst({ orderBy: { createdAt: "desc" } }), "the sentence job row");
    // Closing before the job is queued would fail the submission with a queueing error instead.
    const redis = new Redis(config.redisUrl);
    await waitFor(async () => (await redis.exists(`${config.queuePrefix}:${INTERACTIVE_QUEUE}:${job!.id}`)) === 1, "the queued job");
    await redis.quit();
    await closing.close();
    await rejected;
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

describe("stored model choice", () => {
  let db: TestDatabase;
  let config: MaskfillConfig;
  let producer: MaskfillProducer;
  let redis: Redis;
  let first: WorkerService;
  const children: ChildWorker[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    config = testConfig(db.url, uniquePrefix("choice"));
    producer = MaskfillProducer.connect(config);
    redis = new Redis(config.redisUrl);
    first = await WorkerService.start(config, createLogger("test-worker", "silent"));
  });

  afterAll(async () => {
    for (const child of children.splice(0)) {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGTERM");
      await child.exited;
    }
    await first?.stop("test finished");
    await producer?.close();
    await redis?.quit();
    await deleteRedisKeys(config.queuePrefix);
    await db?.drop();
  });

  /** Starts a worker process with the tiny model configured and waits until it publishes a settled status. */
  async function startChild(workerId: string): Promise<{ child: ChildWorker; status: string; modelDir: string | null }> {
    const child = spawnWorker({
      DATABASE_URL: db.url,
      MASKFILL_QUEUE_PREFIX: config.queuePrefix,
      MASKFILL_MODEL_DIR: TINY_MODEL_DIR,
      MASKFILL_WORKER_ID: workerId,
    });
    children.push(child);
    // Only "ready" counts as settled, and a worker that never gets there times out.
    const state = await waitFor(
      async () => (await producer.listWorkers()).find((s) => s.id === workerId && s.status === "ready"),
      `worker ${workerId} to be ready`,
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\nWorker output:\n${child.output()}`);
    });
    return { child, status: state.status, modelDir: state.model?.modelDir ?? null };
  }

  it("failed load stores no choice", async () => {
    await producer.loadModel({ modelDir: "/nonexistent/fleet-model", variant: "quantized" });
    const state = await waitFor(async () => (await producer.listWorkers()).find((s) => s.id === first.id && s.error !== null), "the load to fail");
    expect(state.status).toBe("ready");
    expect(state.error).toContain("/nonexistent/fleet-model");
    expect(await redis.get(redisKeys.desiredModel(config.queuePrefix))).toBeNull();

    const later = await startChild("choice-later");
    expect(later.status).toBe("ready");
    expect(later.modelDir).toBe(TINY_MODEL_DIR);
  }, 90_000);

  it("unloadable stored choice falls back", async () => {
    await redis.set(redisKeys.desiredModel(config.queuePrefix), JSON.stringify({ modelDir: "/nonexistent/stored-model" }));
    // ModelManager's own test checks that no "error" status is published before the fallback.
    const started = await startChild("choice-fallback");

    expect(started.status).toBe("ready");
    expect(started.modelDir).toBe(TINY_MODEL_DIR);
    expect(started.child.output()).toContain("The fleet's stored model failed to load; falling back to the configured model");
    expect(started.child.output()).toContain("/nonexistent/stored-model");
  }, 90_000);

  it("successful load stores the choice", async () => {
    await redis.del(redisKeys.desiredModel(config.queuePrefix));
    await producer.loadModel({ modelDir: TINY_MODEL_DIR, variant: "fp32" });
    const stored = await waitFor(async () => (await redis.get(redisKeys.desiredModel(config.queuePrefix))) ?? undefined, "the choice to be stored");
    expect(JSON.parse(stored)).toEqual({ modelDir: TINY_MODEL_DIR, variant: "fp32" });
  });
});
