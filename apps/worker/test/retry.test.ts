import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, deleteRedisKeys, type TestDatabase } from "@maskfill/core/testing";
import { MaskfillProducer, createLogger, type JobView, type MaskfillConfig } from "@maskfill/core/queue";
import { WorkerService } from "../src/service/worker-service.ts";
import { testConfig, uniquePrefix, waitFor } from "./helpers.ts";

/** Returns a txt corpus stream with exactly these bytes. */
function corpus(bytes: Buffer): Readable {
  return Readable.from([bytes]);
}

/** Waits until the job has finished after `since` (or at all when `since` is null) and returns it. */
async function waitForFinish(producer: MaskfillProducer, jobId: string, since: Date | null = null): Promise<JobView> {
  return waitFor(async () => {
    const view = await producer.getJob(jobId);
    const finished = view.status !== "queued" && view.status !== "running" && view.finishedAt !== null;
    return finished && (since === null || view.finishedAt! > since) ? view : undefined;
  }, `job ${jobId} to finish`, 60_000);
}

describe("job outcome and retry", () => {
  let db: TestDatabase;
  let config: MaskfillConfig;
  let producer: MaskfillProducer;
  let worker: WorkerService;

  beforeAll(async () => {
    db = await createTestDatabase();
    config = testConfig(db.url, uniquePrefix("retry"), { MASKFILL_CHUNK_SIZE: "50" });
    producer = MaskfillProducer.connect(config);
    worker = await WorkerService.start(config, createLogger("test-worker", "silent"));
  });

  afterAll(async () => {
    await worker?.stop("test finished");
    await producer?.close();
    await deleteRedisKeys(config.queuePrefix);
    await db?.drop();
  });

  async function itemErrors(jobId: string): Promise<[number, string, string | null, string | null][]> {
    const rows = await db.prisma.jobItem.findMany({ where: { jobId }, orderBy: { lineNumber: "asc" } });
    return rows.map((row) => [row.lineNumber, row.status, row.errorCode, row.error]);
  }

  it("retry keeps parse errors", async () => {
    const bytes = Buffer.concat([
      Buffer.from("A <mask> here.\nbell \u0007 <mask>\n"),
      Buffer.from([0x62, 0x61, 0x64, 0x20, 0xff, 0xfe, 0x20]),
      Buffer.from("<mask>\nNo mask here.\n"),
    ]);
    const { jobId, rows, invalidRows } = await producer.submitCorpus({ kind: "fill-mask", source: corpus(bytes), corpus: { format: "txt" } });
    expect([rows, invalidRows]).toEqual([2, 2]);
    const first = await waitForFinish(producer, jobId);
    expect([first.status, first.itemsDone, first.itemsFailed]).toEqual(["completed", 1, 3]);
    const before = await itemErrors(jobId);
    expect(before.map(([line, status, code]) => [line, status, code])).toEqual([
      [1, "completed", null],
      [2, "failed", "control_character"],
      [3, "failed", "invalid_utf8"],
      [4, "failed", "no_mask"],
    ]);

    await expect(producer.retryFailedItems(jobId)).resolves.toEqual({ jobId, items: 1, failedItems: 1, resumedItems: 0 });
    const second = await waitForFinish(producer, jobId, first.finishedAt);
    expect([second.status, second.itemsDone, second.itemsFailed, second.itemsTotal]).toEqual(["completed", 1, 3, 4]);
    expect(await itemErrors(jobId)).toEqual(before);
  });

  it("job with every item failed", async () => {
    const { jobId } = await producer.submitCorpus({ kind: "fill-mask", source: corpus(Buffer.from("No mask here.\nNor here.\n")), corpus: { format: "txt" } });
    const view = await waitForFinish(producer, jobId);
    expect([view.status, view.itemsDone, view.itemsFailed]).toEqual(["failed", 0, 2]);
    expect(view.errorCode).toBe("all_items_failed");
    const firstItem = await db.prisma.jobItem.findFirstOrThrow({ where: { jobId, lineNumber: 1 } });
    expect(firstItem.error).toMatch(/^No mask found in "No mask here\."/);
    expect(view.error).toBe(`All 2 items failed; first error (line 1): ${firstItem.error}`);
  });

  it("job with every row rejected", async () => {
    const { jobId, rows } = await producer.submitCorpus({ kind: "fill-mask", source: corpus(Buffer.from("nul \u0000 <mask>\nbell \u0007 <mask>\n")), corpus: { format: "txt" } });
    expect(rows).toBe(0);
    const view = await producer.getJob(jobId);
    expect([view.status, view.itemsDone, view.itemsFailed, view.errorCode]).toEqual(["failed", 0, 2, "all_items_failed"]);
    const firstItem = await db.prisma.jobItem.findFirstOrThrow({ where: { jobId, lineNumber: 1 } });
    expect(firstItem.errorCode).toBe("control_character");
    expect(view.error).toBe(`All 2 items failed; first error (line 1): ${firstItem.error}`);

    await expect(producer.retryFailedItems(jobId)).resolves.toEqual({ jobId, items: 0, failedItems: 0, resumedItems: 0 });
    const after = await producer.getJob(jobId);
    expect([after.status, after.itemsFailed, after.errorCode, after.error]).toEqual(["failed", 2, "all_items_failed", view.error]);
  });

  it("job with some failures completes", async () => {
    const { jobId } = await producer.submitCorpus({ kind: "fill-mask", source: corpus(Buffer.from("One <mask>.\nNo mask.\n")), corpus: { format: "txt" } });
    const view = await waitForFinish(producer, jobId);
    expect([view.status, view.itemsDone, view.itemsFailed, view.errorCode, view.error]).toEqual(["completed", 1, 1, null, null]);
  });

  it("retry resumes a cancelled job", async () => {
    const lines = Array.from({ length: 120 }, (_, i) => (i === 0 ? "No mask on this line." : `Line ${i + 1} has a <mask>.`));
    await worker.stop("pause consumption for the cancel test");
    const { jobId } = await producer.submitCorpus({ kind: "fill-mask", source: corpus(Buffer.from(lines.join("\n"))), corpus: { format: "txt" } });
    await producer.cancelJob(jobId);
    worker = await WorkerService.start(config, createLogger("test-worker", "silent"));
    // Chunk jobs of a cancelled job finish without inference, so the items stay pending.
    await expect(producer.retryFailedItems(jobId)).resolves.toEqual({ jobId, items: 120, failedItems: 0, resumedItems: 120 });
    const view = await waitForFinish(producer, jobId);
    expect([view.status, view.itemsDone, view.itemsFailed]).toEqual(["completed", 119, 1]);
  });
});
