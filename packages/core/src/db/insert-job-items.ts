import { jobItemRowSchema, parseRows, rethrowMissingParent, type DatabaseClient, type JobItemRow } from "./bulk-rows";

/**
 * Inserts items of one job in a single statement and returns the number of rows inserted. Rows
 * whose (jobId, lineNumber) already exists are skipped, so a retried chunk never duplicates an item.
 * Job counters are not touched: set `itemsTotal` when creating the job.
 * Throws BulkWriteError for invalid or duplicate rows and when the job does not exist.
 */
export async function insertJobItems(db: DatabaseClient, jobId: string, rows: readonly JobItemRow[]): Promise<number> {
  const items = parseRows("job item", jobId, rows, jobItemRowSchema, (row) => `line ${row.lineNumber}`);
  if (items.length === 0) {
    return 0;
  }
  try {
    return await db.$executeRaw`
      INSERT INTO job_items (job_id, line_number, text)
      SELECT ${jobId}::uuid, line_number, text
      FROM unnest(${items.map((row) => row.lineNumber)}::int[], ${items.map((row) => row.text)}::text[]) AS input (line_number, text)
      ON CONFLICT (job_id, line_number) DO NOTHING`;
  } catch (error) {
    rethrowMissingParent(error, `Cannot insert items for job ${jobId}: the job does not exist. Create the job first.`);
  }
}
