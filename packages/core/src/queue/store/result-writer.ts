import { insertFillMaskResultsOfJobs } from "../../db/insert-fill-mask-results.ts";
import { insertSentenceScoresOfJobs } from "../../db/insert-sentence-scores.ts";
import { recordItemOutcomesOfJobs, type ItemOutcome as ItemStatusRow } from "../../db/record-item-outcomes.ts";
import type { FillMaskResultRow, JobRows, SentenceScoreRow } from "../../db/bulk-rows.ts";
import { finishJobsIfDone } from "./finish-jobs.ts";
import type { Prisma, PrismaClient } from "../../db/generated/client.ts";
import type { FillMaskResult, Outcome, ScoreResult } from "../../engine/types.ts";

/**
 * Limits of the write transaction. Prisma's defaults (2 s to get a connection, 5 s to finish)
 * are too short for a chunk of a few thousand rows on a busy database server.
 */
const TRANSACTION_LIMITS = { maxWait: 10_000, timeout: 60_000 };

/** Outcome of one item, keyed by its line number. */
export type ItemOutcome<R> = { lineNumber: number; outcome: Outcome<R> };

export type KindOutcomes =
  | { kind: "fill-mask"; outcomes: ItemOutcome<FillMaskResult>[] }
  | { kind: "score"; outcomes: ItemOutcome<ScoreResult>[] };

/** Changes made by one write, and the job's state after it. */
export interface WriteSummary {
  /** Items whose status this write changed; 0 when an earlier attempt had already stored them. */
  changed: number;
  /** Job status after the write; "cancelled" means nothing was written. */
  jobStatus: string;
  itemsTotal: number;
  itemsDone: number;
  itemsFailed: number;
}

/** Raised when the job row is missing: it was deleted, so retrying cannot help. */
export class JobMissingError extends Error {
  override readonly name = "JobMissingError";
  readonly retryable = false;
}

/**
 * Writes inference outcomes in bulk and idempotently. One transaction locks the job row, inserts
 * result rows (existing keys are kept), records item statuses, moves the job's counters by the
 * items whose status changed, and finishes the job when no item is left. Repeating a write (a
 * retried or stalled chunk) changes nothing, and a crash before the commit leaves the items
 * pending for the next attempt. Nothing is written for a cancelled job.
 */
export class ResultWriter {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Stores the outcomes of some items of one job; see the class comment for the guarantees.
   * `startedAt` is when the worker began a job that was never marked running (see JobWrite).
   */
  async write(jobId: string, data: KindOutcomes, model: { name: string; variant: string }, startedAt?: Date): Promise<WriteSummary> {
    const [result] = await this.writeMany([{ jobId, data, model, ...(startedAt === undefined ? {} : { startedAt }) }]);
    if (result instanceof JobMissingError) throw result;
    return result!;
  }

  /**
   * Stores the outcomes of several jobs in one transaction of five statements, whatever the
   * number of jobs, with the guarantees of write() for each job. Returns one entry per write, in
   * order: its summary, or a JobMissingError when its job row is gone (the other jobs are still
   * written). Any other error rolls back every write and is thrown, so the caller can retry the
   * writes one by one.
   */
  async writeMany(writes: readonly JobWrite[]): Promise<(WriteSummary | JobMissingError)[]> {
    if (writes.length === 0) return [];
    const ids = [...new Set(writes.map((write) => write.jobId))];
    if (ids.length !== writes.length) throw new RangeError("writeMany takes at most one write per job; merge the outcomes of a job first");
    return this.prisma.$transaction(async (tx) => {
      // Locks are taken in id order, so two concurrent calls cannot deadlock on the same jobs.
      const locked = await tx.$queryRaw<{ id: string; status: string }[]>`
        SELECT id::text AS id, status::text AS status FROM jobs WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
      const statuses = new Map(locked.map((row) => [row.id, row.status]));
      const writable = writes.filter((write) => statuses.has(write.jobId) && statuses.get(write.jobId) !== "cancelled");
      const progress = await writeLockedJobs(tx, writable);
      return writes.map((write): WriteSummary | JobMissingError => {
        const status = statuses.get(write.jobId);
        if (status === undefined) return new JobMissingError(`Job ${write.jobId} does not exist; it may have been deleted.`);
        return progress.get(write.jobId) ?? { changed: 0, jobStatus: status, itemsTotal: 0, itemsDone: 0, itemsFailed: 0 };
      });
    }, TRANSACTION_LIMITS);
  }
}

/** One job's outcomes for ResultWriter.writeMany. */
export interface JobWrite {
  jobId: string;
  data: KindOutcomes;
  model: { name: string; variant: string };
  /**
   * When the worker began the job. Single-sentence jobs skip the "running" update to save a
   * write, so without it their start time would be the time of this write.
   */
  startedAt?: Date;
}

/** Writes the outcomes of jobs whose rows this transaction has locked; one statement per step. */
async function writeLockedJobs(tx: Prisma.TransactionClient, writes: readonly JobWrite[]): Promise<Map<string, WriteSummary>> {
  if (writes.length === 0) return new Map();
  const fillMask: JobRows<FillMaskResultRow>[] = [];
  const scores: JobRows<SentenceScoreRow>[] = [];
  for (const { jobId, data, model } of writes) {
    if (data.kind === "fill-mask") fillMask.push({ jobId, rows: fillMaskRows(data.outcomes) });
    else scores.push({ jobId, rows: scoreRows(data.outcomes, model.name) });
  }
  if (fillMask.length > 0) await insertFillMaskResultsOfJobs(tx, fillMask);
  if (scores.length > 0) await insertSentenceScoresOfJobs(tx, scores);
  const progress = await recordItemOutcomesOfJobs(
    tx,
    writes.map(({ jobId, data }) => ({ jobId, rows: statusRows(data.outcomes) })),
  );
  const statuses = await finishJobsIfDone(tx, writes);
  const summaries = new Map<string, WriteSummary>();
  for (const { jobId } of writes) {
    const job = progress.get(jobId)!;
    summaries.set(jobId, { changed: job.itemsChanged, jobStatus: statuses.get(jobId)!, itemsTotal: job.itemsTotal, itemsDone: job.itemsDone, itemsFailed: job.itemsFailed });
  }
  return summaries;
}

function fillMaskRows(outcomes: ItemOutcome<FillMaskResult>[]): FillMaskResultRow[] {
  const rows: FillMaskResultRow[] = [];
  for (const { lineNumber, outcome } of outcomes) {
    if (!outcome.ok) continue;
    outcome.value.masks.forEach((predictions, maskIndex) => {
      predictions.forEach((prediction, i) => {
        rows.push({ lineNumber, maskIndex, rank: i + 1, tokenId: prediction.tokenId, token: prediction.token, probability: prediction.probability, sequence: prediction.sequence });
      });
    });
  }
  return rows;
}

function scoreRows(outcomes: ItemOutcome<ScoreResult>[], modelName: string): SentenceScoreRow[] {
  const rows: SentenceScoreRow[] = [];
  for (const { lineNumber, outcome } of outcomes) {
    if (!outcome.ok) continue;
    const score = outcome.value;
    rows.push({
      lineNumber,
      variant: score.variant,
      modelName,
      pll: score.pll,
      tokenCount: score.tokenCount,
      meanPll: score.meanPll,
      pseudoPerplexity: score.pseudoPerplexity,
      tokens: score.tokens.map((token) => ({ position: token.position, tokenId: token.tokenId, token: token.token, wordIndex: token.wordIndex, logProb: token.logProb })),
    });
  }
  return rows;
}

function statusRows(outcomes: ItemOutcome<FillMaskResult | ScoreResult>[]): ItemStatusRow[] {
  return outcomes.map(({ lineNumber, outcome }) =>
    outcome.ok
      ? { lineNumber, status: "completed", windowStart: outcome.value.window?.start ?? null, windowEnd: outcome.value.window?.end ?? null }
      : { lineNumber, status: "failed", errorCode: outcome.error.code, error: outcome.error.message },
  );
}
