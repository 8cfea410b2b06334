import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "@maskfill/core/testing";
import { CorpusFileError } from "@maskfill/core/corpus";
import { CORPUS_QUEUE, INTERACTIVE_QUEUE, type MaskfillConfig, type MaskfillProducer } from "@maskfill/core/queue";
import type { WorkerService } from "../src/service/worker-service.ts";
import { BUNDLED_MODEL_DIR, TINY_MODEL_DIR, waitFor } from "./helpers.ts";
import { startWorkerStack, type WorkerStack } from "./worker-stack.ts";

interface GoldenLine {
  text: string;
  masks: { token: number; score: number }[][];
}

const golden: GoldenLine[] = readFileSync(join(TINY_MODEL_DIR, "golden/fill-mask.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as GoldenLine);
const singleMask = golden.filter((line) => line.masks.length === 1);

interface GoldenScore {
  text: string;
  pll: number;
  tokenCount: number;
}

const goldenScores: GoldenScore[] = readFileSync(join(TINY_MODEL_DIR, "golden/pll.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as GoldenScore);

function corpusStream(lines: string[]): Readable {
  return Readable.from([Buffer.from(lines.join("\n") + "\n")]);
}

describe("queue round trip with one worker", () => {
  let stack: WorkerStack;
  let db: TestDatabase;
  let config: MaskfillConfig;
  let worker: WorkerService;
  let producer: MaskfillProducer;

  beforeAll(async () => {
    // A long batch wait makes concurrent requests share a batch deterministically.
    stack = await startWorkerStack("queue", { MASKFILL_BATCH_WAIT_MS: "150", MASKFILL_CHUNK_SIZE: "4" });
    ({ db, config, worker, producer } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("returns and stores a sentence result", async () => {
    const reference = singleMask[0]!;
    const outcome = await producer.submitSentence({ kind: "fill-mask", text: reference.text }, { timeoutMs: 20_000 });
    if (!outcome.ok) throw new Error(`unexpected error outcome: ${outcome.error.message}`);
    const predictions = outcome.value.masks[0]!;
    expect(predictions.map((p) => p.tokenId)).toEqual(reference.masks[0]!.map((m) => m.token));
    predictions.forEach((p, i) => expect(p.probability).toBeCloseTo(reference.masks[0]![i]!.score, 4));

    const job = await producer.getJob(outcome.jobId);
    expect(job.status).toBe("completed");
    expect(job.itemsDone).toBe(1);
    expect(job.modelName).toBe("tiny-roberta");
    const rows = await db.prisma.fillMaskResult.findMany({ where: { jobId: outcome.jobId }, orderBy: { rank: "asc" } });
    expect(rows.map((row) => row.tokenId)).toEqual(reference.masks[0]!.map((m) => m.token));
    const item = await db.prisma.jobItem.findFirstOrThrow({ where: { jobId: outcome.jobId } });
    expect(item.status).toBe("completed");
    // The sentence waited MASKFILL_BATCH_WAIT_MS (150) for its batch after the worker began it.
    const stored = await db.prisma.job.findUniqueOrThrow({ where: { id: outcome.jobId } });
    expect(stored.finishedAt!.getTime() - stored.startedAt!.getTime()).toBeGreaterThanOrEqual(140);
  });

  it("scores a sentence and stores its tokens", async () => {
    const reference = goldenScores[0]!;
    const outcome = await producer.submitSentence({ kind: "score", text: reference.text }, { timeoutMs: 20_000 });
    if (!outcome.ok) throw new Error(`unexpected error outcome: ${outcome.error.message}`);
    expect(outcome.value.pll).toBeCloseTo(reference.pll, 3);
    expect(outcome.value.tokenCount).toBe(reference.tokenCount);

    const stored = await db.prisma.sentenceScore.findUniqueOrThrow({ where: { jobId_lineNumber: { jobId: outcome.jobId, lineNumber: 1 } } });
    expect(stored.pll).toBeCloseTo(reference.pll, 3);
    expect(stored.modelName).toBe("tiny-roberta");
    expect(await db.prisma.tokenScore.count({ where: { jobId: outcome.jobId } })).toBe(reference.tokenCount);
    expect((await producer.getJob(outcome.jobId)).kind).toBe("score");
  });

  it("fails only the sentence without a mask", async () => {
    const outcome = await producer.submitSentence({ kind: "fill-mask", text: "There is no mask here." }, { timeoutMs: 20_000 });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe("no_mask");
    const job = await producer.getJob(outcome.jobId);
    expect(job.status).toBe("failed");
    expect(job.errorCode).toBe("no_mask");
    expect(job.itemsFailed).toBe(1);
  });

  it("stores many concurrent sentences, each with its owner", async () => {
    const owner = await db.prisma.user.create({ data: { username: "queue-owner", passwordHash: "not used", role: "operator" } });
    const texts = singleMask.slice(0, 12).map((reference) => reference.text);
    const outcomes = await Promise.all(texts.map((text) => producer.submitSentence({ kind: "fill-mask", text, ownerId: owner.id }, { timeoutMs: 20_000 })));
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok) throw new Error(`unexpected error outcome: ${outcome.error.message}`);
      expect(outcome.value.masks[0]!.map((p) => p.tokenId)).toEqual(singleMask[i]!.masks[0]!.map((m) => m.token));
    });
    const jobs = await db.prisma.job.findMany({ where: { id: { in: outcomes.map((outcome) => outcome.jobId) } }, include: { items: true } });
    expect(jobs).toHaveLength(12);
    for (const job of jobs) {
      expect([job.status, job.itemsTotal, job.itemsDone, job.ownerId, job.source]).toEqual(["completed", 1, 1, owner.id, "sentence"]);
      expect(job.items.map((item) => [item.lineNumber, item.status])).toEqual([[1, "completed"]]);
    }
    expect(await db.prisma.fillMaskResult.count({ where: { jobId: { in: outcomes.map((outcome) => outcome.jobId) } } })).toBe(12 * 5);
  });

  it("returns the outcome of a sentence that finished before the wait began", async () => {
    const reference = singleMask[3]!;
    const { jobId } = await producer.enqueueSentence({ kind: "fill-mask", text: reference.text });
    await waitFor(async () => (await producer.getJob(jobId)).status === "completed", "the sentence job to complete");
    const outcome = await producer.waitForSentence<"fill-mask">(jobId, 5_000);
    if (!outcome.ok) throw new Error(`unexpected error outcome: ${outcome.error.message}`);
    expect(outcome.jobId).toBe(jobId);
    expect(outcome.value.masks[0]!.map((p) => p.tokenId)).toEqual(reference.masks[0]!.map((m) => m.token));
    expect((await db.prisma.job.findUniqueOrThrow({ where: { id: jobId } })).ownerId).toBeNull();
  });

  it("rejects invalid options before queueing", async () => {
    await expect(producer.submitSentence({ kind: "fill-mask", text: "a <mask>", options: { topK: 0 } })).rejects.toThrow(
      "Invalid fill-mask options: topK: topK must be at least 1.",
    );
    await expect(producer.enqueueSentence({ kind: "fill-mask", text: "" })).rejects.toThrow("text: text must not be empty");
    expect(await db.prisma.job.count({ where: { items: { some: { text: "" } } } })).toBe(0);
  });

  it("batches requests from two jobs in one session run", async () => {
    const [first, second] = await Promise.all([
      producer.submitSentence({ kind: "fill-mask", text: singleMask[1]!.text }, { timeoutMs: 20_000 }),
      producer.submitSentence({ kind: "fill-mask", text: singleMask[2]!.text }, { timeoutMs: 20_000 }),
    ]);
    expect(first.ok).toBe(true);
    expect(second.ok).toBe(true);
    const shared = worker.recentBatches.find((batch) => batch.jobIds.includes(first.jobId) && batch.jobIds.includes(second.jobId));
    expect(shared).toBeDefined();
    expect(shared!.sessionRuns).toBe(1);
    expect(shared!.size).toBe(2);
  });

  it("runs a corpus in chunks and stores every row", async () => {
    const lines = [...singleMask.slice(0, 9).map((line) => line.text), "", "This line has no mask.", "\u0007bell <mask>"];
    const submission = await producer.submitCorpus({ kind: "fill-mask", options: { topK: 3 }, source: corpusStream(lines), corpus: { format: "txt" }, fileName: "mixed.txt" });
    expect(submission.rows).toBe(10);
    expect(submission.invalidRows).toBe(1);
    expect(submission.chunks).toBe(3);

    const job = await waitFor(async () => {
      const view = await producer.getJob(submission.jobId);
      return view.status === "completed" ? view : undefined;
    }, "the corpus job to complete");
    expect(job.itemsTotal).toBe(11);
    expect(job.itemsDone).toBe(9);
    expect(job.itemsFailed).toBe(2);
    expect(job.progress).toBe(1);
    expect(job.fileName).toBe("mixed.txt");

    const items = await db.prisma.jobItem.findMany({ where: { jobId: submission.jobId }, orderBy: { lineNumber: "asc" } });
    expect(items.map((item) => [item.lineNumber, item.status, item.errorCode])).toEqual([
      ...singleMask.slice(0, 9).map((_, i) => [i + 1, "completed", null]),
      [11, "failed", "no_mask"],
      [12, "failed", "control_character"],
    ]);
    expect(await db.prisma.fillMaskResult.count({ where: { jobId: submission.jobId } })).toBe(9 * 3);
    const line4 = await db.prisma.fillMaskResult.findMany({ where: { jobId: submission.jobId, lineNumber: 4 }, orderBy: { rank: "asc" } });
    expect(line4.map((row) => row.tokenId)).toEqual(singleMask[3]!.masks[0]!.slice(0, 3).map((m) => m.token));

    const corpusQueue = new Queue(CORPUS_QUEUE, { connection: { url: config.redisUrl }, prefix: config.queuePrefix });
    const chunkJobs = await corpusQueue.getJobs(["completed"]);
    const progress = chunkJobs.filter((chunk) => chunk.data.jobId === submission.jobId).map((chunk) => chunk.progress as { percent: number });
    expect(progress.map((p) => p.percent).sort((a, b) => a - b).at(-1)).toBe(100);
    await corpusQueue.close();
  });

  it("fails a corpus of blank lines", async () => {
    const failure = await producer.submitCorpus({ kind: "fill-mask", source: corpusStream(["", "   "]), fileName: "blank.txt", corpus: { format: "txt" } }).catch((error: Error) => error);
    const message = 'The file "blank.txt" has only 2 blank lines; add one sentence per line (or one row per sentence) and upload it again.';
    expect(failure).toBeInstanceOf(CorpusFileError);
    expect((failure as Error).message).toBe(message);
    const stored = await db.prisma.job.findFirstOrThrow({ where: { fileName: "blank.txt" } });
    expect(stored.status).toBe("failed");
    expect(stored.errorCode).toBe("empty_corpus");
    expect(stored.error).toBe(message);
    expect(stored.itemsTotal).toBe(0);
  });

  it("scores a corpus in chunks", async () => {
    const lines = goldenScores.slice(0, 5).map((line) => line.text);
    const submission = await producer.submitCorpus({ kind: "score", source: corpusStream(lines), corpus: { format: "txt" } });
    expect(submission.chunks).toBe(2);
    const job = await waitFor(async () => {
      const view = await producer.getJob(submission.jobId);
      return view.status === "completed" ? view : undefined;
    }, "the scoring job to complete");
    expect(job.kind).toBe("score");
    expect(job.itemsDone).toBe(5);
    const scores = await db.prisma.sentenceScore.findMany({ where: { jobId: submission.jobId }, orderBy: { lineNumber: "asc" } });
    expect(scores.map((score) => score.lineNumber)).toEqual([1, 2, 3, 4, 5]);
    scores.forEach((score, i) => expect(score.pll).toBeCloseTo(goldenScores[i]!.pll, 3));
    const tokens = await db.prisma.tokenScore.count({ where: { jobId: submission.jobId } });
    expect(tokens).toBe(goldenScores.slice(0, 5).reduce((sum, line) => sum + line.tokenCount, 0));
  });

  it("fails an invalid payload without retrying", async () => {
    const { jobId } = await producer.enqueueSentence({ kind: "fill-mask", text: "Queued <mask>." });
    const queue = new Queue(INTERACTIVE_QUEUE, { connection: { url: config.redisUrl }, prefix: config.queuePrefix });
    // Another job for the same row, written by a client that skipped the catalog's checks.
    const bad = await queue.add("fill-mask", { jobId, text: "Bad <mask>.", options: { topK: -3 } }, { attempts: 5 });
    const failed = await waitFor(async () => ((await bad.isFailed()) ? await queue.getJob(bad.id!) : undefined), "the bad job to fail");
    expect(failed!.failedReason).toBe('Invalid payload for job "fill-mask": options.topK: topK must be at least 1.');
    expect(failed!.attemptsMade).toBe(1);
    const job = await producer.getJob(jobId);
    expect(["failed", "completed"]).toContain(job.status);
    await queue.close();
  });

  it("fails at once when the job row is gone", async () => {
    const { jobId } = await producer.enqueueSentence({ kind: "fill-mask", text: "Deleted <mask>." });
    // The worker waits 150 ms for its batch to fill, so the row is gone before it writes.
    await db.prisma.job.delete({ where: { id: jobId } });
    const queue = new Queue(INTERACTIVE_QUEUE, { connection: { url: config.redisUrl }, prefix: config.queuePrefix });
    const failed = await waitFor(async () => {
      const job = await queue.getJob(jobId);
      // Fetch again once failed: the first copy may predate the failure and lack failedReason.
      return job !== undefined && (await job.isFailed()) ? await queue.getJob(jobId) : undefined;
    }, "the job to fail");
    expect(failed.failedReason).toBe(`JobMissingError: Job ${jobId} does not exist; it may have been deleted.`);
    expect(failed.attemptsMade).toBe(1);
    await queue.close();
  });

  it("lists the worker with its model", async () => {
    const workers = await waitFor(async () => {
      const list = await producer.listWorkers();
      return list.find((state) => state.id === worker.id && state.sentences > 0);
    }, "the worker state to show processed sentences");
    expect(workers.status).toBe("ready");
    expect(workers.model?.name).toBe("tiny-roberta");
    expect(workers.model?.parameterCount).toBeGreaterThan(0);
    expect(workers.model?.device).toBe("cpu");
    expect(workers.model?.demoModel).toBe(false);
    expect(workers.batches).toBeGreaterThan(0);
  });

  it("keeps serving after a failed model load", async () => {
    const { receivers } = await producer.loadModel({ modelDir: "/nonexistent/model", workerId: worker.id });
    expect(receivers).toBeGreaterThan(0);
    const state = await waitFor(async () => (await producer.listWorkers()).find((s) => s.id === worker.id && s.error !== null), "the failed load to be reported");
    expect(state.status).toBe("ready");
    expect(state.error).toContain("/nonexistent/model");
    expect(state.model?.name).toBe("tiny-roberta");
    const outcome = await producer.submitSentence({ kind: "fill-mask", text: singleMask[0]!.text }, { timeoutMs: 20_000 });
    expect(outcome.ok).toBe(true);
  });

  it("switches to another model on request", async () => {
    const { receivers } = await producer.loadModel({ modelDir: BUNDLED_MODEL_DIR, workerId: worker.id });
    expect(receivers).toBeGreaterThan(0);
    const switched = await waitFor(async () => (await producer.listWorkers()).find((s) => s.id === worker.id && s.model?.name === "mini-roberta"), "the worker to serve mini-roberta");
    expect(switched.status).toBe("ready");
    expect(switched.error).toBeNull();
    expect(switched.model?.variant).toBe("quantized");
    expect(switched.model?.warmupMs).toBeGreaterThan(0);
    expect(switched.model?.demoModel).toBe(true);
    const outcome = await producer.submitSentence({ kind: "fill-mask", text: "The <mask> sat on the mat." }, { timeoutMs: 20_000 });
    expect(outcome.ok).toBe(true);
    expect((await producer.getJob(outcome.jobId)).modelName).toBe("mini-roberta");

    await producer.loadModel({ modelDir: TINY_MODEL_DIR, workerId: worker.id });
    await waitFor(async () => (await producer.listWorkers()).some((s) => s.id === worker.id && s.model?.name === "tiny-roberta"), "the worker to serve tiny-roberta again");
  });

  it("rejects unknown job ids", async () => {
    await expect(producer.getJob("not-a-uuid")).rejects.toThrow('No job has id "not-a-uuid": a job id is a UUID.');
    await expect(producer.getJob("6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b")).rejects.toThrow("No job has id 6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b.");
  });
});
