import { z } from "zod";

import { lineNumberSchema, parseRows, type DatabaseClient, type JobRows } from "./bulk-rows";
import { BulkWriteError } from "./bulk-write-error";

const optionalText = z
  .string({ error: "must be a string" })
  .refine((value) => !value.includes("\u0000"), { error: "must not contain the NUL character (U+0000)" })
  .nullish();
const optionalOffset = z.number({ error: "must be a number" }).int({ error: "must be a whole number of at least 0" }).min(0, { error: "must be a whole number of at least 0" }).nullish();

export const itemOutcomeSchema = z.object({
  lineNumber: lineNumberSchema,
  status: z.enum(["completed", "failed"], { error: 'must be "completed" or "failed"' }),
  /** Stable machine-readable code of a failure, e.g. "no_mask". */
  errorCode: optionalText,
  error: optionalText,
  windowStart: optionalOffset,
  windowEnd: optionalOffset,
});

export type ItemOutcome = z.input<typeof itemOutcomeSchema>;

/** The job's counters after an update. */
export interface JobProgress {
  itemsTotal: number;
  itemsDone: number;
  itemsFailed: number;
  /** Items whose status this call changed, 0 when every outcome was already recorded. */
  itemsChanged: number;
}

/**
 * Sets the final status of items of one job and moves the job's itemsDone and itemsFailed
 * counters by the items whose status actually changed, in one statement. Recording the same
 * outcomes again (a retried chunk) changes nothing. An item that failed before and completes on
 * retry moves from itemsFailed to itemsDone. Throws BulkWriteError for invalid or duplicate
 * outcomes, and when the job or one of the items does not exist (then no item changes).
 */
export async function recordItemOutcomes(db: DatabaseClient, jobId: string, outcomes: readonly ItemOutcome[]): Promise<JobProgress> {
  const progress = await recordItemOutcomesOfJobs(db, [{ jobId, rows: outcomes }]);
  return progress.get(jobId)!;
}

/**
 * Records the item outcomes of several jobs in one statement, with the guarantees of
 * recordItemOutcomes, and returns each job's progress by job id. All or nothing: when a job or
 * an item of any job is missing, no item changes and BulkWriteError names the first such job.
 */
export async function recordItemOutcomesOfJobs(db: DatabaseClient, groups: readonly JobRows<ItemOutcome>[]): Promise<Map<string, JobProgress>> {
  const rows = groups.flatMap(({ jobId, rows: outcomes }) =>
    parseRows("item outcome", jobId, outcomes, itemOutcomeSchema, (row) => `line ${row.lineNumber}`).map((row) => ({ jobId, ...row })),
  );
  const jobIds = [...new Set(groups.map((group) => group.jobId))];
  if (jobIds.length !== groups.length) {
    throw new BulkWriteError("duplicate_rows", "Each job may appear once in a multi-job outcome write; merge its outcomes first.");
  }

  const progressRows = await db.$queryRaw<(JobProgress & { jobId: string; itemsMatched: number })[]>`
    WITH input AS (
      SELECT *
      FROM unnest(
        ${rows.map((row) => row.jobId)}::uuid[],
        ${rows.map((row) => row.lineNumber)}::int[],
        ${rows.map((row) => row.status)}::item_status[],
        ${rows.map((row) => row.errorCode ?? null)}::text[],
        ${rows.map((row) => row.error ?? null)}::text[],
        ${rows.map((row) => row.windowStart ?? null)}::int[],
        ${rows.map((row) => row.windowEnd ?? null)}::int[]
      ) AS input (job_id, line_number, status, error_code, error, window_start, window_end)
    ), previous AS (
      -- Lock the items first, so that a concurrent retry of the same chunk waits and then sees
      -- the status written here instead of counting the same change twice.
      SELECT item.job_id, item.line_number, item.status AS old_status
      FROM job_items item
      JOIN input ON input.job_id = item.job_id AND input.line_number = item.line_number
      FOR UPDATE OF item
    ), changed AS (
      UPDATE job_items item
      SET status = input.status, error_code = input.error_code, error = input.error,
          window_start = input.window_start, window_end = input.window_end
      FROM input
      JOIN previous ON previous.job_id = input.job_id AND previous.line_number = input.line_number
      WHERE item.job_id = input.job_id
        AND item.line_number = input.line_number
        AND previous.old_status IS DISTINCT FROM input.status
        -- All or nothing: when an item is missing, no item changes and the caller gets an error.
        AND (SELECT count(*) FROM previous) = ${rows.length}
      RETURNING item.job_id, previous.old_status, item.status AS new_status
    ), delta AS (
      SELECT
        job_ids.job_id,
        (count(*) FILTER (WHERE changed.new_status = 'completed') - count(*) FILTER (WHERE changed.old_status = 'completed'))::int AS done,
        (count(*) FILTER (WHERE changed.new_status = 'failed') - count(*) FILTER (WHERE changed.old_status = 'failed'))::int AS failed,
        count(changed.job_id)::int AS changed
      FROM unnest(${jobIds}::uuid[]) AS job_ids (job_id)
      LEFT JOIN changed ON changed.job_id = job_ids.job_id
      GROUP BY job_ids.job_id
    ), job AS (
      UPDATE jobs
      SET items_done = items_done + delta.done,
          items_failed = items_failed + delta.failed,
          updated_at = CASE WHEN delta.changed > 0 THEN now() ELSE updated_at END
      FROM delta
      WHERE jobs.id = delta.job_id
      RETURNING jobs.id, items_total, items_done, items_failed, delta.changed
    )
    SELECT job.id::text AS "jobId", job.items_total AS "itemsTotal", job.items_done AS "itemsDone", job.items_failed AS "itemsFailed",
           job.changed AS "itemsChanged", (SELECT count(*) FROM previous WHERE previous.job_id = job.id)::int AS "itemsMatched"
    FROM job`;

  const byJob = new Map(progressRows.map(({ jobId, itemsMatched, ...progress }) => [jobId, { progress, itemsMatched }]));
  const result = new Map<string, JobProgress>();
  for (const group of groups) {
    const found = byJob.get(group.jobId);
    if (found === undefined) {
      throw new BulkWriteError("missing_parent", `Cannot record item outcomes for job ${group.jobId}: the job does not exist.`);
    }
    if (found.itemsMatched !== group.rows.length) {
      throw new BulkWriteError(
        "missing_parent",
        `Cannot record outcomes for job ${group.jobId}: ${group.rows.length - found.itemsMatched} of ${group.rows.length} items do not exist. Insert the job items first.`,
      );
    }
    result.set(group.jobId, found.progress);
  }
  return result;
}
