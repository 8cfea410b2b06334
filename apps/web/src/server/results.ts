import { Prisma, type PrismaClient } from "@maskfill/core/db";
import type { PredictionView, ResultRowView } from "../lib/api-types.ts";
import type { ResultQuery } from "../lib/schemas.ts";
import { decodeCursor, encodeCursor, lineCursorSchema, scoreCursorSchema } from "./cursor.ts";

/** Filters of the results table and the export; both use the same SQL. */
export type ResultFilters = Pick<ResultQuery, "q" | "status" | "token" | "sort">;

interface ItemRow {
  line_number: number;
  text: string;
  status: ResultRowView["status"];
  error: string | null;
  error_code: string | null;
  top_token: string | null;
  top_probability: number | null;
}

interface PredictionRow {
  line_number: number;
  mask_index: number;
  rank: number;
  token_id: number;
  token: string;
  probability: number;
  sequence: string;
}

/** Escapes LIKE wildcards so a search for "50%" matches the literal text. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/**
 * SQL conditions on the item alias `i` for the filters. The text search is ILIKE, served by the
 * pg_trgm index on job_items.text. The token filter matches the top prediction of any mask, with
 * or without the byte-level leading space, through the (job_id, token, rank) index.
 */
function filterConditions(filters: ResultFilters): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filters.status !== undefined) conditions.push(Prisma.sql`i.status = ${filters.status}::item_status`);
  if (filters.q !== undefined && filters.q !== "") conditions.push(Prisma.sql`i.text ILIKE ${likePattern(filters.q)}`);
  if (filters.token !== undefined && filters.token !== "") {
    const bare = filters.token.trim();
    conditions.push(Prisma.sql`EXISTS (
      SELECT 1 FROM fill_mask_results f
      WHERE f.job_id = i.job_id AND f.line_number = i.line_number AND f.rank = 1 AND f.token IN (${bare}, ${` ${bare}`}))`);
  }
  return conditions;
}

/**
 * Reads one page of item rows in the requested order, one more than `limit` to know whether a
 * next page exists. Line order walks the (job_id, line_number) primary key. Score order walks the
 * partial index (job_id, probability, line_number) WHERE rank = 1 AND mask_index = 0, so rows
 * without a prediction (pending or failed) appear only in line order.
 */
async function readItemRows(prisma: PrismaClient, jobId: string, filters: ResultFilters, cursor: string | undefined, limit: number): Promise<ItemRow[]> {
  const conditions = filterConditions(filters);
  if (filters.sort === "line") {
    if (cursor !== undefined) conditions.push(Prisma.sql`i.line_number > ${decodeCursor(cursor, lineCursorSchema).l}`);
    const where = conditions.length === 0 ? Prisma.empty : Prisma.sql`AND ${Prisma.join(conditions, " AND ")}`;
    return prisma.$queryRaw<ItemRow[]>`
      SELECT i.line_number, i.text, i.status::text AS status, i.error, i.error_code, top.token AS top_token, top.probability AS top_probability
      FROM job_items i
      LEFT JOIN fill_mask_results top
        ON top.job_id = i.job_id AND top.line_number = i.line_number AND top.mask_index = 0 AND top.rank = 1
      WHERE i.job_id = ${jobId}::uuid ${where}
      ORDER BY i.line_number
      LIMIT ${limit + 1}`;
  }
  // Keep `top.mask_index = 0 AND top.rank = 1` in the WHERE clause: PostgreSQL uses the partial
  // index only when the query's conditions imply the index predicate.
  const descending = filters.sort === "score_desc";
  if (cursor !== undefined) {
    const after = decodeCursor(cursor, scoreCursorSchema);
    conditions.push(
      descending
        ? Prisma.sql`(top.probability, top.line_number) < (${after.p}, ${after.l})`
        : Prisma.sql`(top.probability, top.line_number) > (${after.p}, ${after.l})`,
    );
  }
  const where = conditions.length === 0 ? Prisma.empty : Prisma.sql`AND ${Prisma.join(conditions, " AND ")}`;
  const order = descending ? Prisma.sql`top.probability DESC, top.line_number DESC` : Prisma.sql`top.probability ASC, top.line_number ASC`;
  return prisma.$queryRaw<ItemRow[]>`
    SELECT i.line_number, i.text, i.status::text AS status, i.error, i.error_code, top.token AS top_token, top.probability AS top_probability
    FROM fill_mask_results top
    JOIN job_items i ON i.job_id = top.job_id AND i.line_number = top.line_number
    WHERE top.job_id = ${jobId}::uuid AND top.mask_index = 0 AND top.rank = 1 ${where}
    ORDER BY ${order}
    LIMIT ${limit + 1}`;
}

/** Loads every prediction of the given lines, grouped per line into masks ordered by rank. */
async function readPredictions(prisma: PrismaClient, jobId: string, lines: number[]): Promise<Map<number, PredictionView[][]>> {
  const byLine = new Map<number, PredictionView[][]>();
  if (lines.length === 0) return byLine;
  const rows = await prisma.$queryRaw<PredictionRow[]>`
    SELECT line_number, mask_index, rank, token_id, token, probability, sequence
    FROM fill_mask_results
    WHERE job_id = ${jobId}::uuid AND line_number = ANY(${lines}::int[])
    ORDER BY line_number, mask_index, rank`;
  for (const row of rows) {
    const masks = byLine.get(row.line_number) ?? [];
    const predictions = masks[row.mask_index] ?? [];
    predictions.push({ tokenId: row.token_id, token: row.token, probability: row.probability, sequence: row.sequence });
    masks[row.mask_index] = predictions;
    byLine.set(row.line_number, masks);
  }
  return byLine;
}

/** Cursor that continues after `row` in the given order. */
function cursorAfter(row: ItemRow, sort: ResultFilters["sort"]): string {
  return sort === "line" ? encodeCursor({ l: row.line_number }) : encodeCursor({ p: row.top_probability ?? 0, l: row.line_number });
}

/** Returns one page of a job's rows with their predictions and the cursor of the next page. */
export async function readResultPage(
  prisma: PrismaClient,
  jobId: string,
  query: ResultFilters & { cursor?: string | undefined; limit: number },
): Promise<{ rows: ResultRowView[]; nextCursor: string | null }> {
  const items = await readItemRows(prisma, jobId, query, query.cursor, query.limit);
  const page = items.slice(0, query.limit);
  const predictions = await readPredictions(prisma, jobId, page.map((row) => row.line_number));
  const last = page[page.length - 1];
  return {
    rows: page.map((row) => ({
      itemId: `${jobId}:${row.line_number}`,
      lineNumber: row.line_number,
      text: row.text,
      status: row.status,
      error: row.error,
      errorCode: row.error_code,
      masks: predictions.get(row.line_number) ?? [],
      topToken: row.top_token,
      topProbability: row.top_probability,
    })),
    nextCursor: items.length > query.limit && last !== undefined ? cursorAfter(last, query.sort) : null,
  };
}
