import { insertFillMaskResults } from "../../db/insert-fill-mask-results.ts";
import { insertSentenceScores } from "../../db/insert-sentence-scores.ts";
import { recordItemOutcomes, type ItemOutcome as ItemStatusRow } from "../../db/record-item-outcomes.ts";
import type { FillMaskResultRow, SentenceScoreRow } from "../../db/bulk-rows.ts";
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

  /** Stores the outcomes of some items of one job; see the class comment for the guarantees. */
  async write(jobId: string, data: KindOutcomes, model: { name: string; variant: string }): Promise<WriteSummary> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ status: string }[]>`
        SELECT status::text AS status FROM jobs WHERE id = ${jobId}::uuid FOR UPDATE`;
      const status = locked[0]?.status;
      if (status === undefined) throw new JobMissingError(`Job ${jobId} does not exist; it may have been deleted.`);
      if (status === "cancelled") return { changed: 0, jobStatus: status, itemsTotal: 0, itemsDone: 0, itemsFailed: 0 };

      if (data.kind === "fill-mask") await insertFillMaskResults(tx, jobId, fillMaskRows(data.outcomes));
      else await insertSentenceScores(tx, jobId, scoreRows(data.outcomes, model.name));
      const progress = await recordItemOutcomes(tx, jobId, statusRows(data.outcomes));
      const jobStatus = await finishIfDone(tx, jobId, model);
      return { changed: progress.itemsChanged, jobStatus, itemsTotal: progress.itemsTotal, itemsDone: progress.itemsDone, itemsFailed: progress.itemsFailed };
    }, TRANSACTION_LIMITS);
  }
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

/**
 * Records the model, and finishes a queued or running job once every item is done. A
 * single-sentence job whose item failed ends "failed" with the item's error. A corpus job ends
 * "completed" with its failed items counted in items_failed, or "failed" with the code
 * all_items_failed when no item succeeded. Returns the job's status.
 */
async function finishIfDone(tx: Prisma.TransactionClient, jobId: string, model: { name: string; variant: string }): Promise<string> {
  const rows = await tx.$queryRaw<{ status: string }[]>`
    WITH failed_item AS (
      SELECT line_number, error_code, error FROM job_items
      WHERE job_id = ${jobId}::uuid AND status = 'failed' ORDER BY line_number LIMIT 1
    )
    UPDATE jobs SET
      status = CASE
        WHEN status NOT IN ('queued', 'running') OR items_done + items_failed < items_total THEN status
        WHEN source = 'sentence' AND items_failed > 0 THEN 'failed'::job_status
        WHEN items_done = 0 AND items_failed > 0 THEN 'failed'::job_status
        ELSE 'completed'::job_status END,
      error_code = CASE
        WHEN status NOT IN ('queued', 'running') OR items_done + items_failed < items_total THEN error_code
        WHEN source = 'sentence' AND items_failed > 0 THEN (SELECT error_code FROM failed_item)
        WHEN items_done = 0 AND items_failed > 0 THEN 'all_items_failed'
        ELSE error_code END,
      error = CASE
        WHEN status NOT IN ('queued', 'running') OR items_done + items_failed < items_total THEN error
        WHEN source = 'sentence' AND items_failed > 0 THEN (SELECT error FROM failed_item)
        WHEN items_done = 0 AND items_failed > 0 THEN
          'All ' || items_failed || ' items failed; first error (line ' || (SELECT line_number FROM failed_item) || '): ' || (SELECT error FROM failed_item)
        ELSE error END,
      finished_at = CASE
        WHEN status IN ('queued', 'running') AND items_done + items_failed >= items_total THEN now()
        ELSE finished_at END,
      model_name = CASE WHEN model_name = '' THEN ${model.name} ELSE model_name END,
      model_variant = CASE WHEN model_variant = '' THEN ${model.variant} ELSE model_variant END,
      started_at = COALESCE(started_at, now()),
      updated_at = now()
    WHERE id = ${jobId}::uuid
    RETURNING status::text AS status`;
  return rows[0]!.status;
}
