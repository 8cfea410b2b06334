import type { FillMaskResult, Outcome, ScoreResult } from "../../engine/types.ts";
import type { PrismaClient } from "../../db/generated/client.ts";
import type { Prisma } from "../../db/generated/client.ts";

type Tx = Prisma.TransactionClient;

/** Outcome of one item, keyed by its line number. */
export type ItemOutcome<R> = { lineNumber: number; outcome: Outcome<R> };

export type KindOutcomes =
  | { kind: "fill-mask"; outcomes: ItemOutcome<FillMaskResult>[] }
  | { kind: "score"; outcomes: ItemOutcome<ScoreResult>[] };

/** What one write changed, and the job's state after it. */
export interface WriteSummary {
  /** Items that moved from pending to completed in this write. */
  completed: number;
  /** Items that moved from pending to failed in this write. */
  failed: number;
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
 * Writes inference outcomes in bulk and idempotently. One transaction locks the job row,
 * inserts result rows (existing ones are kept), moves only still-pending items to completed
 * or failed, and adds exactly the number of moved items to the job's counters. Repeating the
 * same write (a retried or stalled chunk) therefore changes nothing, and a crash before the
 * commit leaves the items pending for the next attempt.
 */
export class ResultWriter {
  constructor(private readonly prisma: PrismaClient) {}

  /** Stores the outcomes of one batch of items of one job; see the class comment for the guarantees. */
  async write(jobId: string, data: KindOutcomes, model: { name: string; variant: string }): Promise<WriteSummary> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ status: string }[]>`
        SELECT status::text AS status FROM jobs WHERE id = ${jobId}::uuid FOR UPDATE`;
      const status = locked[0]?.status;
      if (status === undefined) throw new JobMissingError(`Job ${jobId} does not exist; it may have been deleted.`);
      if (status === "cancelled") return { completed: 0, failed: 0, jobStatus: status, itemsTotal: 0, itemsDone: 0, itemsFailed: 0 };

      if (data.kind === "fill-mask") await insertFillMaskRows(tx, jobId, data.outcomes);
      else await insertScoreRows(tx, jobId, data.outcomes, model.name);

      const completed = await markCompleted(tx, jobId, data.outcomes);
      const failed = await markFailed(tx, jobId, data.outcomes);
      return updateCounters(tx, jobId, completed, failed, model);
    });
  }
}

async function insertFillMaskRows(tx: Tx, jobId: string, outcomes: ItemOutcome<FillMaskResult>[]): Promise<void> {
  const rows: Prisma.FillMaskResultCreateManyInput[] = [];
  for (const { lineNumber, outcome } of outcomes) {
    if (!outcome.ok) continue;
    outcome.value.masks.forEach((predictions, maskIndex) => {
      predictions.forEach((prediction, i) => {
        rows.push({
          jobId,
          lineNumber,
          maskIndex,
          rank: i + 1,
          tokenId: prediction.tokenId,
          token: prediction.token,
          probability: prediction.probability,
          sequence: prediction.sequence,
        });
      });
    });
  }
  if (rows.length > 0) await tx.fillMaskResult.createMany({ data: rows, skipDuplicates: true });
}

async function insertScoreRows(tx: Tx, jobId: string, outcomes: ItemOutcome<ScoreResult>[], modelName: string): Promise<void> {
  const sentences: Prisma.SentenceScoreCreateManyInput[] = [];
  const tokens: Prisma.TokenScoreCreateManyInput[] = [];
  for (const { lineNumber, outcome } of outcomes) {
    if (!outcome.ok) continue;
    const score = outcome.value;
    sentences.push({
      jobId,
      lineNumber,
      variant: score.variant,
      modelName,
      pll: score.pll,
      tokenCount: score.tokenCount,
      meanPll: score.meanPll,
      pseudoPerplexity: score.pseudoPerplexity,
    });
    for (const token of score.tokens) {
      tokens.push({ jobId, lineNumber, position: token.position, tokenId: token.tokenId, token: token.token, wordIndex: token.wordIndex, logProb: token.logProb });
    }
  }
  if (sentences.length > 0) await tx.sentenceScore.createMany({ data: sentences, skipDuplicates: true });
  if (tokens.length > 0) await tx.tokenScore.createMany({ data: tokens, skipDuplicates: true });
}

async function markCompleted(tx: Tx, jobId: string, outcomes: ItemOutcome<FillMaskResult | ScoreResult>[]): Promise<number> {
  const lines: number[] = [];
  const starts: (number | null)[] = [];
  const ends: (number | null)[] = [];
  for (const { lineNumber, outcome } of outcomes) {
    if (!outcome.ok) continue;
    lines.push(lineNumber);
    starts.push(outcome.value.window?.start ?? null);
    ends.push(outcome.value.window?.end ?? null);
  }
  if (lines.length === 0) return 0;
  return tx.$executeRaw`
    UPDATE job_items AS item
    SET status = 'completed', error_code = NULL, error = NULL, window_start = src.window_start, window_end = src.window_end
    FROM unnest(${lines}::int[], ${starts}::int[], ${ends}::int[]) AS src(line_number, window_start, window_end)
    WHERE item.job_id = ${jobId}::uuid AND item.line_number = src.line_number AND item.status = 'pending'`;
}

async function markFailed(tx: Tx, jobId: string, outcomes: ItemOutcome<FillMaskResult | ScoreResult>[]): Promise<number> {
  const lines: number[] = [];
  const codes: string[] = [];
  const messages: string[] = [];
  for (const { lineNumber, outcome } of outcomes) {
    if (outcome.ok) continue;
    lines.push(lineNumber);
    codes.push(outcome.error.code);
    messages.push(outcome.error.message);
  }
  if (lines.length === 0) return 0;
  return tx.$executeRaw`
    UPDATE job_items AS item
    SET status = 'failed', error_code = src.code, error = src.message
    FROM unnest(${lines}::int[], ${codes}::text[], ${messages}::text[]) AS src(line_number, code, message)
    WHERE item.job_id = ${jobId}::uuid AND item.line_number = src.line_number AND item.status = 'pending'`;
}

/**
 * Adds the moved items to the counters and finishes the job when every item is done. A
 * single-sentence job whose item failed ends "failed" with the item's error; a corpus job ends
 * "completed" and reports its failed items in items_failed.
 */
async function updateCounters(tx: Tx, jobId: string, completed: number, failed: number, model: { name: string; variant: string }): Promise<WriteSummary> {
  const rows = await tx.$queryRaw<{ status: string; items_total: number; items_done: number; items_failed: number }[]>`
    UPDATE jobs SET
      items_done = items_done + ${completed},
      items_failed = items_failed + ${failed},
      status = CASE
        WHEN status NOT IN ('queued', 'running') THEN status
        WHEN items_done + ${completed} + items_failed + ${failed} < items_total THEN status
        WHEN source = 'sentence' AND items_failed + ${failed} > 0 THEN 'failed'::job_status
        ELSE 'completed'::job_status END,
      error_code = CASE
        WHEN status IN ('queued', 'running') AND source = 'sentence' AND items_failed + ${failed} > 0
        THEN (SELECT error_code FROM job_items WHERE job_id = ${jobId}::uuid AND status = 'failed' LIMIT 1)
        ELSE error_code END,
      error = CASE
        WHEN status IN ('queued', 'running') AND source = 'sentence' AND items_failed + ${failed} > 0
        THEN (SELECT error FROM job_items WHERE job_id = ${jobId}::uuid AND status = 'failed' LIMIT 1)
        ELSE error END,
      finished_at = CASE
        WHEN status IN ('queued', 'running') AND items_done + ${completed} + items_failed + ${failed} >= items_total THEN now()
        ELSE finished_at END,
      model_name = CASE WHEN model_name = '' THEN ${model.name} ELSE model_name END,
      model_variant = CASE WHEN model_variant = '' THEN ${model.variant} ELSE model_variant END,
      started_at = COALESCE(started_at, now()),
      updated_at = now()
    WHERE id = ${jobId}::uuid
    RETURNING status::text AS status, items_total, items_done, items_failed`;
  const row = rows[0]!;
  return {
    completed,
    failed,
    jobStatus: row.status,
    itemsTotal: row.items_total,
    itemsDone: row.items_done,
    itemsFailed: row.items_failed,
  };
}
