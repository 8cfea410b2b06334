import { Readable } from "node:stream";
import { Queue } from "bullmq";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, deleteRedisKeys, type TestDatabase } from "@maskfill/core/testing";
import { CORPUS_QUEUE, MaskfillProducer, QueueUnavailableError, createLogger, type JobView, type MaskfillConfig } from "@maskfill/core/queue";
import { WorkerService } from "../src/service/worker-service.ts";
import { TINY_MODEL_DIR, spawnWorker, testConfig, uniquePrefix, waitFor, type ChildWorker } from "./helpers.ts";
import { TcpProxy } from "./tcp-proxy.ts";

/** `count` distinct one-mask sentences, as a txt corpus stream. */
function syntheticCorpus(count: number): Readable {
  const lines = Array.from({ length: count }, (_, i) => `Sentence number ${i + 1} has a <mask> in the middle of it.`);
  return Readable.from([Buffer.from(lines.join("\n") + "\n")]);
}

async function waitForStatus(producer: MaskfillProducer, jobId: string, status: JobView["status"], timeoutMs = 60_000): Promise<JobView> {
  return waitFor(async () => {
    const view = await producer.getJob(jobId);
    return view.status === status ? view : undefined;
  }, `job ${jobId} to be ${status}`, timeoutMs);
}

/** Asserts that every item of a fill-mask job completed and has exactly `topK` predictions. */
async function expectCompleteResults(db: TestDatabase, jobId: string, items: number, topK = 5): Promise<void> {
  expect(await db.prisma.jobItem.count({ where: { jobId, status: "completed" } })).toBe(items);
  expect(await db.prisma.fillMaskResult.count({ where: { jobId } })).toBe(items * topK);
  const perItem = await db.prisma.fillMaskResult.groupBy({ by: ["lineNumber"], where: { jobId }, _count: { _all: true } });
  expect(perItem.length).toBe(items);
  expect(perItem.every((group) => group._count._all === topK)).toBe(true);
}

/** Per-test limit: these tests start workers and wait for whole corpora on a possibly busy machine. */
const RECOVERY_TEST_TIMEOUT_MS = 180_000;

describe("recovery", () => {
  let db: TestDatabase;
  let config: MaskfillConfig;
  let producer: MaskfillProducer;
  const children: ChildWorker[] = [];
  const services: WorkerService[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    config = testConfig(db.url, uniquePrefix("recovery"), { MASKFILL_CHUNK_SIZE: "50", MASKFILL_LOCK_DURATION_MS: "2000" });
    producer = MaskfillProducer.connect(config);
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill("SIGKILL");
      await child.exited;
    }
    for (const service of services.splice(0)) await service.stop("test finished");
    await producer.close();
    await deleteRedisKeys(config.queuePrefix);
    await db.drop();
  });

  function childEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: db.url,
      MASKFILL_QUEUE_PREFIX: config.queuePrefix,
      MASKFILL_MODEL_DIR: TINY_MODEL_DIR,
      MASKFILL_LOCK_DURATION_MS: "2000",
      MASKFILL_CONCURRENCY: "2",
      MASKFILL_BATCH_WAIT_MS: "20",
      ...extra,
    };
  }

  async function startChild(workerId: string): Promise<ChildWorker> {
    const child = spawnWorker(childEnv({ MASKFILL_WORKER_ID: workerId }));
    children.push(child);
    await waitFor(async () => (await producer.listWorkers()).some((state) => state.id === workerId && state.status === "ready"), `worker ${workerId} to be ready`, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}\nWorker output:\n${child.output()}`);
    });
    return child;
  }

  it("finishes a corpus after SIGKILL with no row lost or duplicated", async () => {
    const first = await startChild("killed");
    const total = 2000;
    const { jobId } = await producer.submitCorpus({ kind: "fill-mask", source: syntheticCorpus(total), corpus: { format: "txt" } });

    const atKill = await waitFor(async () => {
      const view = await producer.getJob(jobId);
      return view.itemsDone > 0 ? view : undefined;
    }, "the first chunk to finish");
    first.process.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    expect(atKill.itemsDone).toBeLessThan(total);

    await startChild("rescuer");
    const done = await waitForStatus(producer, jobId, "completed", 90_000);
    expect(done.itemsDone).toBe(total);
    expect(done.itemsFailed).toBe(0);
    await expectCompleteResults(db, jobId, total);
  }, RECOVERY_TEST_TIMEOUT_MS);

  it("stops on SIGTERM after finishing held chunks", async () => {
    const child = await startChild("graceful");
    const total = 2000;
    const { jobId } = await producer.submitCorpus({ kind: "fill-mask", source: syntheticCorpus(total), corpus: { format: "txt" } });
    await waitFor(async () => (await producer.getJob(jobId)).itemsDone > 0, "the first chunk to finish");

    child.process.kill("SIGTERM");
    expect(await child.exited).toBe(0);
    expect(child.output()).toContain('"msg":"Worker stopped"');
    expect((await producer.listWorkers()).map((state) => state.id)).not.toContain("graceful");

    // Every chunk the worker held was finished or handed back: none is left locked as active.
    const queue = new Queue(CORPUS_QUEUE, { connection: { url: config.redisUrl }, prefix: config.queuePrefix });
    expect(await queue.getActiveCount()).toBe(0);
    await queue.close();
    const stopped = await producer.getJob(jobId);
    expect(stopped.itemsDone % 50 === 0 || stopped.itemsDone === total).toBe(true);

    await startChild("successor");
    const done = await waitForStatus(producer, jobId, "completed", 90_000);
    expect(done.itemsDone).toBe(total);
    await expectCompleteResults(db, jobId, total);
  }, RECOVERY_TEST_TIMEOUT_MS);

  it("survives the database being briefly unreachable", async () => {
    const proxy = await TcpProxy.start(5432);
    try {
      const viaProxy = new URL(db.url);
      viaProxy.port = String(proxy.port);
      services.push(await WorkerService.start({ ...config, databaseUrl: viaProxy.toString() }, createLogger("test-worker", "silent")));

      await proxy.pause();
      const total = 200;
      const { jobId } = await producer.submitCorpus({ kind: "fill-mask", source: syntheticCorpus(total), corpus: { format: "txt" } });
      const queue = new Queue(CORPUS_QUEUE, { connection: { url: config.redisUrl }, prefix: config.queuePrefix });
      await waitFor(async () => (await queue.getJobs(["delayed", "wait", "active"])).some((job) => job.attemptsMade > 0), "a chunk attempt to fail while the database is down");
      await queue.close();
      expect(proxy.rejectedConnections).toBeGreaterThan(0);
      expect((await producer.getJob(jobId)).itemsDone).toBe(0);

      await proxy.resume();
      const done = await waitForStatus(producer, jobId, "completed", 90_000);
      expect(done.itemsDone).toBe(total);
      await expectCompleteResults(db, jobId, total);
    } finally {
      await proxy.close();
    }
  }, RECOVERY_TEST_TIMEOUT_MS);

  it("survives Redis being briefly unreachable", async () => {
    const proxy = await TcpProxy.start(6379);
    try {
      const redisUrl = `redis://127.0.0.1:${proxy.port}`;
      const worker = await WorkerService.start({ ...config, redisUrl, batchWaitMs: 20 }, createLogger("test-worker", "silent"));
      services.push(worker);
      const total = 1000;
      const { jobId } = await producer.submitCorpus({ kind: "fill-mask", source: syntheticCorpus(total), corpus: { format: "txt" } });
      await waitFor(async () => (await producer.getJob(jobId)).itemsDone > 0, "the first chunk to finish");

      await proxy.pause();
      await waitFor(() => proxy.rejectedConnections >= 2, "the worker to try reconnecting twice");
      expect((await producer.getJob(jobId)).status).toBe("running");

      await proxy.resume();
      const done = await waitForStatus(producer, jobId, "completed", 90_000);
      expect(done.itemsDone).toBe(total);
      expect(done.itemsFailed).toBe(0);
      await expectCompleteResults(db, jobId, total);
      // Stop the worker while its Redis is still reachable through the proxy.
      await worker.stop("test finished");
    } finally {
      await proxy.close();
    }
  }, RECOVERY_TEST_TIMEOUT_MS);

  it("keeps a corpus whose chunks could not be queued", async () => {
    const proxy = await TcpProxy.start(6379);
    const viaProxy = MaskfillProducer.connect(
      { ...config, redisUrl: `redis://127.0.0.1:${proxy.port}`, redisTimeoutMs: 1_000 },
      { logger: createLogger("test-producer", "silent") },
    );
    try {
      await proxy.pause({ refuse: true });
      const total = 120;
      const failure = await viaProxy.submitCorpus({ kind: "fill-mask", source: syntheticCorpus(total), corpus: { format: "txt" } }).catch((error: Error) => error);
      expect(failure).toBeInstanceOf(QueueUnavailableError);
      const stored = await db.prisma.job.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
      expect(stored.status).toBe("failed");
      expect(stored.errorCode).toBe("enqueue_failed");
      expect(stored.error).toBe(
        "Queueing the chunk jobs failed: Redis did not respond within 1000 ms while queueing chunk jobs; check that Redis at REDIS_URL is running. Retry the job to queue its pending items.",
      );
      expect(stored.itemsTotal).toBe(total);
      expect(await db.prisma.jobItem.count({ where: { jobId: stored.id, status: "pending" } })).toBe(total);

      services.push(await WorkerService.start(config, createLogger("test-worker", "silent")));
      await expect(producer.retryFailedItems(stored.id)).resolves.toEqual({ jobId: stored.id, items: total, failedItems: 0, resumedItems: total });
      const done = await waitForStatus(producer, stored.id, "completed");
      expect(done.itemsDone).toBe(total);
      await expectCompleteResults(db, stored.id, total);
    } finally {
      await proxy.resume();
      await viaProxy.close();
      await proxy.close();
    }
  }, RECOVERY_TEST_TIMEOUT_MS);

  it("cancels remaining chunks and resumes them on retry", async () => {
    const total = 300;
    const { jobId, chunks } = await producer.submitCorpus({ kind: "fill-mask", options: { topK: 2 }, source: syntheticCorpus(total), corpus: { format: "txt" } });
    expect(chunks).toBe(6);
    const cancelled = await producer.cancelJob(jobId);
    expect(cancelled.status).toBe("cancelled");

    const worker = await WorkerService.start(config, createLogger("test-worker", "silent"));
    services.push(worker);
    const queue = new Queue(CORPUS_QUEUE, { connection: { url: config.redisUrl }, prefix: config.queuePrefix });
    await waitFor(async () => (await queue.getCompletedCount()) === chunks, "every chunk job to be skipped");
    const skipped = await queue.getJobs(["completed"]);
    expect(skipped.map((job) => job.returnvalue)).toEqual(Array.from({ length: chunks }, () => ({ changed: 0, skipped: "cancelled" })));
    await queue.close();
    const after = await producer.getJob(jobId);
    expect(after.status).toBe("cancelled");
    expect(after.itemsDone).toBe(0);
    expect(await db.prisma.fillMaskResult.count({ where: { jobId } })).toBe(0);

    await expect(producer.retryFailedItems(jobId)).resolves.toEqual({ jobId, items: total, failedItems: 0, resumedItems: total });
    const done = await waitForStatus(producer, jobId, "completed");
    expect(done.itemsDone).toBe(total);
    await expectCompleteResults(db, jobId, total, 2);
  }, RECOVERY_TEST_TIMEOUT_MS);

  it("retries failed items without duplicating rows", async () => {
    services.push(await WorkerService.start(config, createLogger("test-worker", "silent")));
    const lines = ["A <mask> here.", "No mask here.", "Another <mask> there."];
    const { jobId } = await producer.submitCorpus({ kind: "fill-mask", source: Readable.from([Buffer.from(lines.join("\n"))]), corpus: { format: "txt" } });
    const first = await waitForStatus(producer, jobId, "completed");
    expect([first.itemsDone, first.itemsFailed]).toEqual([2, 1]);
    await expect(producer.retryFailedItems(jobId)).resolves.toEqual({ jobId, items: 1, failedItems: 1, resumedItems: 0 });
    const second = await waitFor(async () => {
      const view = await producer.getJob(jobId);
      return view.status === "completed" && view.finishedAt !== null && view.finishedAt > first.finishedAt! ? view : undefined;
    }, "the retried job to complete again");
    expect([second.itemsDone, second.itemsFailed, second.itemsTotal]).toEqual([2, 1, 3]);
    expect(await db.prisma.fillMaskResult.count({ where: { jobId } })).toBe(10);
    const failed = await db.prisma.jobItem.findFirstOrThrow({ where: { jobId, status: "failed" } });
    expect([failed.lineNumber, failed.errorCode]).toEqual([2, "no_mask"]);
  }, RECOVERY_TEST_TIMEOUT_MS);

  it("serves a sentence while a corpus runs", async () => {
    // A small token budget keeps corpus requests waiting in the batcher, so the sentence has a queue to jump.
    const worker = await WorkerService.start({ ...config, concurrency: 4, batchWaitMs: 5, tokenBudget: 64 }, createLogger("test-worker", "silent"));
    services.push(worker);
    const total = 1000;
    const { jobId } = await producer.submitCorpus({ kind: "fill-mask", source: syntheticCorpus(total), corpus: { format: "txt" } });
    await waitFor(async () => (await producer.getJob(jobId)).itemsDone > 0, "the corpus to start");

    const outcome = await producer.submitSentence({ kind: "fill-mask", text: "A quick <mask> while the corpus runs." }, { timeoutMs: 20_000 });
    expect(outcome.ok).toBe(true);
    const corpus = await producer.getJob(jobId);
    expect(corpus.status).toBe("running");
    const batch = worker.recentBatches.find((report) => report.jobIds.includes(outcome.jobId));
    expect(batch).toBeDefined();
    expect(batch!.interactive).toBe(1);
    expect(batch!.pendingAfter).toBeGreaterThan(0);
  }, RECOVERY_TEST_TIMEOUT_MS);
});
