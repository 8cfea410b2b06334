import { describeJobs, fillMaskResultRowSchema, parseRows, rethrowMissingParent, type DatabaseClient, type FillMaskResultRow, type JobRows } from "./bulk-rows";

/**
 * Inserts fill-mask predictions of one job in a single statement and returns the number of rows
 * inserted. Rows whose (jobId, lineNumber, maskIndex, rank) already exists are skipped, so a
 * retried chunk never duplicates a prediction.
 * Throws BulkWriteError for invalid or duplicate rows and when a row's item does not exist.
 */
export function insertFillMaskResults(db: DatabaseClient, jobId: string, rows: readonly FillMaskResultRow[]): Promise<number> {
  return insertFillMaskResultsOfJobs(db, [{ jobId, rows }]);
}

/** Inserts the fill-mask predictions of several jobs in a single statement; see insertFillMaskResults. */
export async function insertFillMaskResultsOfJobs(db: DatabaseClient, groups: readonly JobRows<FillMaskResultRow>[]): Promise<number> {
  const results = groups.flatMap(({ jobId, rows }) =>
    parseRows("fill-mask result", jobId, rows, fillMaskResultRowSchema, (row) => `line ${row.lineNumber}, mask ${row.maskIndex}, rank ${row.rank}`).map((row) => ({ jobId, ...row })),
  );
  if (results.length === 0) {
    return 0;
  }
  try {
    return await db.$executeRaw`
      INSERT INTO fill_mask_results (job_id, line_number, mask_index, rank, token_id, token, probability, sequence)
      SELECT input.*
      FROM unnest(
        ${results.map((row) => row.jobId)}::uuid[],
        ${results.map((row) => row.lineNumber)}::int[],
        ${results.map((row) => row.maskIndex)}::int[],
        ${results.map((row) => row.rank)}::int[],
        ${results.map((row) => row.tokenId)}::int[],
        ${results.map((row) => row.token)}::text[],
        ${results.map((row) => row.probability)}::float8[],
        ${results.map((row) => row.sequence)}::text[]
      ) AS input
      ON CONFLICT (job_id, line_number, mask_index, rank) DO NOTHING`;
  } catch (error) {
    rethrowMissingParent(error, `Cannot insert fill-mask results for ${describeJobs(groups)}: some rows refer to items that do not exist. Insert the job items first.`);
  }
}
