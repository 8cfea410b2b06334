import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FillMaskResult, Outcome, ScoreResult } from "../../src/engine/types.ts";
import { JobStore } from "../../src/queue/store/job-store.ts";
import { JobMissingError, ResultWriter, type ItemOutcome } from "../../src/queue/store/result-writer.ts";
import { createTestDatabase, type TestDatabase } from "../../src/testing/index.ts";

const model = { name: "test-model", variant: "fp32" };

function prediction(text: string, tokenId: number): FillMaskResult {
  return {
    text,
    masks: [[{ tokenId, token: ` t${tokenId}`, probability: 0.5, sequence: text.replace("<mask>", ` t${tokenId}`) }, { tokenId: tokenId + 1, token: ` t${tokenId + 1}`, probability: 0.25, sequence: text.replace("<mask>", ` t${tokenId + 1}`) }]],
    tokenCount: 6,
    window: null,
  };
}

function outcomes(lines: [number, string][]): ItemOutcome<FillMaskResult>[] {
  return lines.map(([lineNumber, text]) => {
    const outcome: Outcome<FillMaskResult> = text.includes("<mask>")
      ? { ok: true, value: prediction(text, lineNumber * 10) }
      : { ok: false, error: { code: "no_mask", message: `No mask found in "${text}".` } };
    return { lineNumber, outcome };
  });
}

describe("ResultWriter", () => {
  let db: TestDatabase;
  let store: JobStore;
  let writer: ResultWriter;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new JobStore(db.prisma);
    writer = new ResultWriter(db.prisma);
  });

  afterAll(async () => {
    await db?.drop();
  });

  async function corpusJob(lines: [number, string][]): Promise<string> {
    const jobId = await store.createJob({ kind: "fill-mask", source: "corpus", options: {}, modelName: "", modelVariant: "" });
    await store.insertItems(jobId, lines.map(([lineNumber, text]) => ({ lineNumber, text })));
    await store.finishImport(jobId, lines.length, 0);
    return jobId;
  }

  it("writes a chunk and finishes the job", async () => {
    const lines: [number, string][] = [[1, "A <mask>."], [2, "No mask."], [3, "B <mask>."]];
    const jobId = await corpusJob(lines);
    const summary = await writer.write(jobId, { kind: "fill-mask", outcomes: outcomes(lines) }, model);
    expect(summary).toEqual({ changed: 3, jobStatus: "completed", itemsTotal: 3, itemsDone: 2, itemsFailed: 1 });
    expect(await db.prisma.fillMaskResult.count({ where: { jobId } })).toBe(4);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.modelName).toBe("test-model");
    expect(job.finishedAt).not.toBeNull();
  });

  it("changes nothing when a chunk is written again", async () => {
    const lines: [number, string][] = [[1, "A <mask>."], [2, "No mask."], [3, "B <mask>."], [4, "C <mask>."]];
    const jobId = await corpusJob(lines);
    const first = outcomes(lines.slice(0, 2));
    await writer.write(jobId, { kind: "fill-mask", outcomes: first }, model);
    const again = await writer.write(jobId, { kind: "fill-mask", outcomes: first }, model);
    expect(again).toEqual({ changed: 0, jobStatus: "queued", itemsTotal: 4, itemsDone: 1, itemsFailed: 1 });
    expect(await db.prisma.fillMaskResult.count({ where: { jobId } })).toBe(2);
  });

  it("counts concurrent duplicate writes once", async () => {
    const lines: [number, string][] = Array.from({ length: 50 }, (_, i) => [i + 1, `Line ${i + 1} <mask>.`]);
    const jobId = await corpusJob(lines);
    const data = { kind: "fill-mask" as const, outcomes: outcomes(lines) };
    const results = await Promise.all([writer.write(jobId, data, model), writer.write(jobId, data, model), writer.write(jobId, data, model)]);
    expect(results.map((result) => result.changed).sort((a, b) => a - b)).toEqual([0, 0, 50]);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect([job.itemsDone, job.itemsFailed, job.status]).toEqual([50, 0, "completed"]);
    expect(await db.prisma.fillMaskResult.count({ where: { jobId } })).toBe(100);
  });

  it("writes nothing for a cancelled job", async () => {
    const lines: [number, string][] = [[1, "A <mask>."]];
    const jobId = await corpusJob(lines);
    expect(await store.cancelJob(jobId)).toBe(true);
    const summary = await writer.write(jobId, { kind: "fill-mask", outcomes: outcomes(lines) }, model);
    expect(summary.jobStatus).toBe("cancelled");
    expect(await db.prisma.fillMaskResult.count({ where: { jobId } })).toBe(0);
    const item = await db.prisma.jobItem.findFirstOrThrow({ where: { jobId } });
    expect(item.status).toBe("pending");
  });

  it("fails a sentence job with its item's error", async () => {
    const jobId = await store.createJob({ kind: "fill-mask", source: "sentence", options: {}, modelName: "", modelVariant: "", items: [{ lineNumber: 1, text: "No mask." }] });
    const summary = await writer.write(jobId, { kind: "fill-mask", outcomes: outcomes([[1, "No mask."]]) }, model);
    expect(summary.jobStatus).toBe("failed");
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.errorCode).toBe("no_mask");
    expect(job.error).toBe('No mask found in "No mask.".');
  });

  it("records the start time of a sentence job", async () => {
    const jobId = await store.createJob({ kind: "fill-mask", source: "sentence", options: {}, modelName: "", modelVariant: "", items: [{ lineNumber: 1, text: "A <mask>." }] });
    const startedAt = new Date("2026-12-05T01:02:03.456Z");
    await writer.write(jobId, { kind: "fill-mask", outcomes: outcomes([[1, "A <mask>."]]) }, model, startedAt);
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.startedAt).toEqual(startedAt);
    expect(job.finishedAt!.getTime()).toBeGreaterThan(startedAt.getTime());
  });

  it("keeps the start time of a running job", async () => {
    const jobId = await corpusJob([[1, "A <mask>."]]);
    await store.startJob(jobId, model);
    const running = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    await writer.write(jobId, { kind: "fill-mask", outcomes: outcomes([[1, "A <mask>."]]) }, model, new Date("2020-01-01T00:00:00Z"));
    const job = await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.startedAt).toEqual(running.startedAt);
  });

  it("rejects a missing job", async () => {
    await expect(writer.write("6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b", { kind: "fill-mask", outcomes: [] }, model)).rejects.toThrow(
      "Job 6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b does not exist; it may have been deleted.",
    );
  });

  describe("writeMany", () => {
    function sentenceJob(text: string): Promise<string> {
      return store.createJob({ kind: "fill-mask", source: "sentence", options: { topK: 2 }, modelName: "", modelVariant: "", items: [{ lineNumber: 1, text }] });
    }

    it("writes several jobs in one call and reports each", async () => {
      const texts = ["One <mask>.", "No mask.", "Three <mask>."];
      const jobIds = await Promise.all(texts.map(sentenceJob));
      const cancelled = await sentenceJob("Four <mask>.");
      expect(await store.cancelJob(cancelled)).toBe(true);
      const missing = "6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5c";
      const writes = [...jobIds, cancelled, missing].map((jobId, i) => ({
        jobId,
        data: { kind: "fill-mask" as const, outcomes: outcomes([[1, texts[i] ?? "Four <mask>."]]) },
        model,
      }));

      const results = await writer.writeMany(writes);
      expect(results.slice(0, 4)).toEqual([
        { changed: 1, jobStatus: "completed", itemsTotal: 1, itemsDone: 1, itemsFailed: 0 },
        { changed: 1, jobStatus: "failed", itemsTotal: 1, itemsDone: 0, itemsFailed: 1 },
        { changed: 1, jobStatus: "completed", itemsTotal: 1, itemsDone: 1, itemsFailed: 0 },
        { changed: 0, jobStatus: "cancelled", itemsTotal: 0, itemsDone: 0, itemsFailed: 0 },
      ]);
      expect(results[4]).toBeInstanceOf(JobMissingError);
      expect((results[4] as Error).message).toBe(`Job ${missing} does not exist; it may have been deleted.`);
      expect(await db.prisma.fillMaskResult.count({ where: { jobId: { in: jobIds } } })).toBe(4);
      expect(await db.prisma.fillMaskResult.count({ where: { jobId: cancelled } })).toBe(0);
      const failed = await db.prisma.job.findUniqueOrThrow({ where: { id: jobIds[1]! } });
      expect([failed.errorCode, failed.modelName]).toEqual(["no_mask", "test-model"]);

      // A repeated group changes nothing.
      const again = await writer.writeMany(writes.slice(0, 3));
      expect(again.map((result) => (result instanceof Error ? result.message : result.changed))).toEqual([0, 0, 0]);
      expect(await db.prisma.fillMaskResult.count({ where: { jobId: { in: jobIds } } })).toBe(4);
    });

    it("writes fill-mask and score jobs in one group", async () => {
      const fill = await sentenceJob("Mixed <mask>.");
      const score = await store.createJob({ kind: "score", source: "sentence", options: { variant: "original" }, modelName: "", modelVariant: "", items: [{ lineNumber: 1, text: "Two tokens" }] });
      const scoreOutcome: ItemOutcome<ScoreResult> = {
        lineNumber: 1,
        outcome: {
          ok: true,
          value: {
            text: "Two tokens",
            variant: "original",
            pll: -3.5,
            tokenCount: 2,
            meanPll: -1.75,
            pseudoPerplexity: Math.exp(1.75),
            tokens: [
              { position: 1, tokenId: 100, token: "Two", wordIndex: 0, logProb: -1.5 },
              { position: 2, tokenId: 200, token: " tokens", wordIndex: 1, logProb: -2 },
            ],
            window: null,
          },
        },
      };
      const results = await writer.writeMany([
        { jobId: score, data: { kind: "score", outcomes: [scoreOutcome] }, model },
        { jobId: fill, data: { kind: "fill-mask", outcomes: outcomes([[1, "Mixed <mask>."]]) }, model },
      ]);
      expect(results.map((result) => (result instanceof Error ? result.message : result.jobStatus))).toEqual(["completed", "completed"]);
      const stored = await db.prisma.sentenceScore.findUniqueOrThrow({ where: { jobId_lineNumber: { jobId: score, lineNumber: 1 } } });
      expect([stored.pll, stored.tokenCount, stored.modelName]).toEqual([-3.5, 2, "test-model"]);
      const tokens = await db.prisma.tokenScore.findMany({ where: { jobId: score }, orderBy: { position: "asc" } });
      expect(tokens.map((token) => [token.position, token.tokenId, token.logProb])).toEqual([
        [1, 100, -1.5],
        [2, 200, -2],
      ]);
      expect(await db.prisma.fillMaskResult.count({ where: { jobId: fill } })).toBe(2);
    });

    it("rolls back the whole group when one write is invalid", async () => {
      const good = await sentenceJob("Good <mask>.");
      const bad = await sentenceJob("Bad <mask>.");
      const badOutcome: ItemOutcome<FillMaskResult> = {
        lineNumber: 1,
        outcome: { ok: true, value: { text: "Bad <mask>.", masks: [[{ tokenId: 5, token: "nul\u0000", probability: 0.5, sequence: "Bad nul." }]], tokenCount: 4, window: null } },
      };
      await expect(
        writer.writeMany([
          { jobId: good, data: { kind: "fill-mask", outcomes: outcomes([[1, "Good <mask>."]]) }, model },
          { jobId: bad, data: { kind: "fill-mask", outcomes: [badOutcome] }, model },
        ]),
      ).rejects.toThrow("NUL");
      expect(await db.prisma.fillMaskResult.count({ where: { jobId: { in: [good, bad] } } })).toBe(0);
      expect((await db.prisma.job.findUniqueOrThrow({ where: { id: good } })).status).toBe("queued");
    });

    it("rejects two writes of one job", async () => {
      const jobId = await sentenceJob("Twice <mask>.");
      const write = { jobId, data: { kind: "fill-mask" as const, outcomes: outcomes([[1, "Twice <mask>."]]) }, model };
      await expect(writer.writeMany([write, write])).rejects.toThrow("writeMany takes at most one write per job; merge the outcomes of a job first");
      expect(await writer.writeMany([])).toEqual([]);
    });
  });
});
