import type { Prisma } from "../../db/generated/client.ts";

/** A job to finish, with the model whose name and variant it records. */
export interface JobToFinish {
  jobId: string;
  model: { name: string; variant: string };
  /** Start time to record when the job has none yet; default the time of this statement. */
  startedAt?: Date;
}

/**
 * Records the model of each job, and finishes a queued or running job once every item is done,
 * in one statement. A single-sentence job whose item failed ends "failed" with the item's error.
 * A corpus job ends "completed" with its failed items counted in items_failed, or "failed" with
 * the code all_items_failed when no item succeeded. Returns each job's status by job id; a job
 * that does not exist is missing from the map.
 */
export async function finishJobsIfDone(tx: Prisma.TransactionClient, jobs: readonly JobToFinish[]): Promise<Map<string, string>> {
  if (jobs.length === 0) return new Map();
  // The first failed item is read by scalar subqueries inside the CASE branches, so Postgres looks
  // it up only for a job that finishes with failures, not on every chunk write.
  const rows = await tx.$queryRaw<{ id: string; status: string }[]>`
    UPDATE jobs SET
      status = CASE
        WHEN status NOT IN ('queued', 'running') OR items_done + items_failed < items_total THEN status
        WHEN source = 'sentence' AND items_failed > 0 THEN 'failed'::job_status
        WHEN items_done = 0 AND items_failed > 0 THEN 'failed'::job_status
        ELSE 'completed'::job_status END,
      error_code = CASE
        WHEN status NOT IN ('queued', 'running') OR items_done + items_failed < items_total THEN error_code
        WHEN source = 'sentence' AND items_failed > 0 THEN
          (SELECT item.error_code FROM job_items item WHERE item.job_id = jobs.id AND item.status = 'failed' ORDER BY item.line_number LIMIT 1)
        WHEN items_done = 0 AND items_failed > 0 THEN 'all_items_failed'
        ELSE error_code END,
      error = CASE
        WHEN status NOT IN ('queued', 'running') OR items_done + items_failed < items_total THEN error
        WHEN source = 'sentence' AND items_failed > 0 THEN
          (SELECT item.error FROM job_items item WHERE item.job_id = jobs.id AND item.status = 'failed' ORDER BY item.line_number LIMIT 1)
        WHEN items_done = 0 AND items_failed > 0 THEN
          (SELECT 'All ' || jobs.items_failed || ' items failed; first error (line ' || item.line_number || '): ' || item.error
           FROM job_items item WHERE item.job_id = jobs.id AND item.status = 'failed' ORDER BY item.line_number LIMIT 1)
        ELSE error END,
      finished_at = CASE
        WHEN status IN ('queued', 'running') AND items_done + items_failed >= items_total THEN now()
        ELSE finished_at END,
      model_name = CASE WHEN model_name = '' THEN input.new_model_name ELSE model_name END,
      model_variant = CASE WHEN model_variant = '' THEN input.new_model_variant ELSE model_variant END,
      started_at = COALESCE(started_at, input.new_started_at, now()),
      updated_at = now()
    FROM unnest(
      ${jobs.map((job) => job.jobId)}::uuid[],
      ${jobs.map((job) => job.model.name)}::text[],
      ${jobs.map((job) => job.model.variant)}::text[],
      ${jobs.map((job) => job.startedAt?.toISOString() ?? null)}::timestamptz[]
    ) AS input (job_id, new_model_name, new_model_variant, new_started_at)
    WHERE jobs.id = input.job_id
    RETURNING jobs.id::text AS id, jobs.status::text AS status`;
  return new Map(rows.map((row) => [row.id, row.status]));
}
