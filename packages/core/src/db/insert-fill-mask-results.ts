import { fillMaskResultRowSchema, parseRows, rethrowMissingParent, type DatabaseClient, type FillMaskResultRow } from "./bulk-rows";

/**
 * Inserts fill-mask predictions of one job in a single statement and returns the number of rows
 * inserted. Rows whose (jobId, lineNumber, maskIndex, rank) already exists are skipped, so a
 * retried chunk never duplicates a prediction.
 * Throws BulkWriteError for invalid or duplicate rows and when a row's item does not exist.
 */
export async function insertFillMaskResults(db: DatabaseClient, jobId: string, rows: readonly FillMaskResultRow[]): Promise<number> {
  const results = parseRows(
    "fill-mask result",
    jobId,
    rows,
    fillMaskResultRowSchema,
    (row) => `line ${row.lineNumber}, mask ${row.maskIndex}, rank ${row.rank}`,
  );
  if (results.length === 0) {
    return 0;
  }
  try {
    return await db.$executeRaw`
      INSERT INTO fill_mask_results (job_id, line_number, mask_index, rank, token_id, token, probability, sequence)
      SELECT ${jobId}::uuid, input.*
      FROM unnest(
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
    rethrowMissingParent(error, `Cannot insert fill-mask results for job ${jobId}: some rows refer to items that do not exist. Insert the job items first.`);
  }
}
