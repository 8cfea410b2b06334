import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FillMaskResult, Outcome } from "@maskfill/core/engine";
import { createTestDatabase, type TestDatabase } from "@maskfill/core/testing";
import { JobMissingError, JobStore, ResultWriter, createLogger, type JobWrite, type WriteSummary } from "@maskfill/core/queue";
import { SentenceWriteQueue } from "../src/service/sentence-writes.ts";

const model = { name: "test-model", variant: "fp32" };

/** A real ResultWriter that records the size of every grouped write it runs. */
class RecordingWriter extends ResultWriter {
  readonly groups: number[] = [];

  override writeMany(writes: readonly JobWrite[]): Promise<(WriteSummary | JobMissingError)[]> {
    this.groups.push(writes.length);
    return super.writeMany(writes);
  }
}

function fillMaskWrite(jobId: string, token: string): JobWrite {
  const outcome: Outcome<FillMaskResult> = {
    ok: true,
    value: { text: "A <mask>.", masks: [[{ tokenId: 7, token, probability: 0.5, sequence: `A${token}.` }]], tokenCount: 5, window: null },
  };
  return { jobId, data: { kind: "fill-mask", outcomes: [{ lineNumber: 1, outcome }] }, model };
}

describe("SentenceWriteQueue", () => {
  let db: TestDatabase;
  let store: JobStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new JobStore(db.prisma);
  });

  afterAll(async () => {
    await db?.drop();
  });

  function sentenceJobs(count: number): Promise<string[]> {
    return Promise.all(
      Array.from({ length: count }, (_, i) =>
        store.createJob({ kind: "fill-mask", source: "sentence", options: {}, modelName: "", modelVariant: "", items: [{ lineNumber: 1, text: `Sentence ${i} <mask>.` }] }),
      ),
    );
  }

  it("stores writes that arrive together in one transaction", async () => {
    const writer = new RecordingWriter(db.prisma);
    const queue = new SentenceWriteQueue(writer, createLogger("test", "silent"));
    const jobIds = await sentenceJobs(10);
    const summaries = await Promise.all(jobIds.map((jobId) => queue.write(fillMaskWrite(jobId, " word"))));
    expect(writer.groups).toEqual([10]);
    expect(summaries.map((summary) => summary.jobStatus)).toEqual(Array(10).fill("completed"));
    expect(await db.prisma.job.count({ where: { id: { in: jobIds }, status: "completed" } })).toBe(10);
  });

  it("puts a second write of one job into the next group", async () => {
    const writer = new RecordingWriter(db.prisma);
    const queue = new SentenceWriteQueue(writer, createLogger("test", "silent"));
    const [jobId] = await sentenceJobs(1);
    const summaries = await Promise.all([queue.write(fillMaskWrite(jobId!, " word")), queue.write(fillMaskWrite(jobId!, " word"))]);
    expect(writer.groups).toEqual([1, 1]);
    expect(summaries.map((summary) => summary.changed)).toEqual([1, 0]);
  });

  it("writes jobs alone after a group fails", async () => {
    const writer = new RecordingWriter(db.prisma);
    const queue = new SentenceWriteQueue(writer, createLogger("test", "silent"));
    const [good, bad] = await sentenceJobs(2);
    const missing = "6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5d";
    const results = await Promise.allSettled([
      queue.write(fillMaskWrite(good!, " word")),
      queue.write(fillMaskWrite(bad!, " nul\u0000")),
      queue.write(fillMaskWrite(missing, " word")),
    ]);
    // The group of three fails, then each write runs alone (write() is a group of one).
    expect(writer.groups).toEqual([3, 1, 1, 1]);
    expect(results[0]).toMatchObject({ status: "fulfilled", value: { jobStatus: "completed", changed: 1 } });
    expect(results[1]).toMatchObject({ status: "rejected" });
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain("NUL");
    expect(results[2]).toMatchObject({ status: "rejected" });
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(JobMissingError);
    expect((await db.prisma.job.findUniqueOrThrow({ where: { id: bad! } })).status).toBe("queued");
  });
});
