import { z } from "zod";
import { Prisma, type PrismaClient } from "@maskfill/core/db";
import type { ScoreQuery } from "../lib/score-schemas.ts";
import type { ScoreDetailView, ScoreRowView, TokenScoreView } from "../lib/score-types.ts";
import { decodeCursor, encodeCursor, lineCursorSchema } from "./cursor.ts";
import { ApiError } from "./http/api-error.ts";
import { likePattern } from "./results.ts";

/** Filters of the score table and the score export; both use the same SQL. */
export type ScoreFilters = Pick<ScoreQuery, "q" | "status" | "sort">;

/** Cursor of the score table in PPPL order: mean PLL and line number of the last row. */
const meanCursorSchema = z.strictObject({ m: z.number(), l: z.int().min(0) });

interface ScoreRow {
  line_number: number;
  text: string;
  status: ScoreRowView["status"];
  error: string | null;
  error_code: string | null;
  variant: string | null;
  model_name: string | null;
  pll: number | null;
  token_count: number | null;
  mean_pll: number | null;
  pseudo_perplexity: number | null;
}

interface TokenRow {
  line_number: number;
  position: number;
  token_id: number;
  token: string;
  word_index: number;
  log_prob: number;
}

const COLUMNS = Prisma.sql`i.line_number, i.text, i.status::text AS status, i.error, i.error_code, s.variant::text AS variant, s.model_name,
  s.pll, s.token_count, s.mean_pll, s.pseudo_perplexity`;

function filterConditions(filters: ScoreFilters): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filters.status !== undefined) conditions.push(Prisma.sql`i.status = ${filters.status}::item_status`);
  if (filters.q !== undefined && filters.q !== "") conditions.push(Prisma.sql`i.text ILIKE ${likePattern(filters.q)}`);
  return conditions;
}

function andAll(conditions: Prisma.Sql[]): Prisma.Sql {
  return conditions.length === 0 ? Prisma.empty : Prisma.sql`AND ${Prisma.join(conditions, " AND ")}`;
}

/**
 * Reads one page of rows plus one, to know whether a next page exists. Line order walks the
 * job_items primary key and includes pending and failed items. PPPL order walks the
 * (job_id, mean_pll) index: PPPL is exp(-mean PLL), so ascending PPPL is descending mean PLL,
 * and only scored rows appear.
 */
async function readRows(prisma: PrismaClient, jobId: string, filters: ScoreFilters, cursor: string | undefined, limit: number): Promise<ScoreRow[]> {
  const conditions = filterConditions(filters);
  if (filters.sort === "line") {
    if (cursor !== undefined) conditions.push(Prisma.sql`i.line_number > ${decodeCursor(cursor, lineCursorSchema).l}`);
    return prisma.$queryRaw<ScoreRow[]>`
      SELECT ${COLUMNS}
      FROM job_items i
      LEFT JOIN sentence_scores s ON s.job_id = i.job_id AND s.line_number = i.line_number
      WHERE i.job_id = ${jobId}::uuid ${andAll(conditions)}
      ORDER BY i.line_number
      LIMIT ${limit + 1}`;
  }
  const mostNaturalFirst = filters.sort === "pppl_asc";
  if (cursor !== undefined) {
    const after = decodeCursor(cursor, meanCursorSchema);
    conditions.push(
      mostNaturalFirst
        ? Prisma.sql`(s.mean_pll, s.line_number) < (${after.m}, ${after.l})`
        : Prisma.sql`(s.mean_pll, s.line_number) > (${after.m}, ${after.l})`,
    );
  }
  const order = mostNaturalFirst ? Prisma.sql`s.mean_pll DESC, s.line_number DESC` : Prisma.sql`s.mean_pll ASC, s.line_number ASC`;
  return prisma.$queryRaw<ScoreRow[]>`
    SELECT ${COLUMNS}
    FROM sentence_scores s
    JOIN job_items i ON i.job_id = s.job_id AND i.line_number = s.line_number
    WHERE s.job_id = ${jobId}::uuid ${andAll(conditions)}
    ORDER BY ${order}
    LIMIT ${limit + 1}`;
}

function toRowView(row: ScoreRow): ScoreRowView {
  const scored = row.variant !== null && row.pll !== null && row.token_count !== null && row.mean_pll !== null;
  return {
    lineNumber: row.line_number,
    text: row.text,
    status: row.status,
    error: row.error,
    errorCode: row.error_code,
    model: row.model_name,
    score: scored
      ? {
          variant: row.variant ?? "",
          pll: row.pll ?? 0,
          tokenCount: row.token_count ?? 0,
          meanPll: row.mean_pll ?? 0,
          pseudoPerplexity: row.pseudo_perplexity !== null && Number.isFinite(row.pseudo_perplexity) ? row.pseudo_perplexity : null,
        }
      : null,
  };
}

function toTokenView(row: TokenRow): TokenScoreView {
  return { position: row.position, tokenId: row.token_id, token: row.token, wordIndex: row.word_index, logProb: row.log_prob };
}

/** Cursor that continues after `row` in the given order. */
function cursorAfter(row: ScoreRow, sort: ScoreFilters["sort"]): string {
  return sort === "line" ? encodeCursor({ l: row.line_number }) : encodeCursor({ m: row.mean_pll ?? 0, l: row.line_number });
}

/** Returns one page of a score job's rows and the cursor of the next page (null on the last one). */
export async function readScorePage(
  prisma: PrismaClient,
  jobId: string,
  query: ScoreFilters & { cursor?: string | undefined; limit: number },
): Promise<{ rows: ScoreRowView[]; nextCursor: string | null }> {
  const rows = await readRows(prisma, jobId, query, query.cursor, query.limit);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(toRowView),
    nextCursor: rows.length > query.limit && last !== undefined ? cursorAfter(last, query.sort) : null,
  };
}

/** Loads the token scores of the given lines in position order, grouped by line. */
export async function readTokenScores(prisma: PrismaClient, jobId: string, lines: number[]): Promise<Map<number, TokenScoreView[]>> {
  const byLine = new Map<number, TokenScoreView[]>();
  if (lines.length === 0) return byLine;
  const rows = await prisma.$queryRaw<TokenRow[]>`
    SELECT line_number, position, token_id, token, word_index, log_prob
    FROM token_scores
    WHERE job_id = ${jobId}::uuid AND line_number = ANY(${lines}::int[])
    ORDER BY line_number, position`;
  for (const row of rows) {
    const tokens = byLine.get(row.line_number) ?? [];
    tokens.push(toTokenView(row));
    byLine.set(row.line_number, tokens);
  }
  return byLine;
}

/**
 * Returns one line of a job with its per-token values. Throws a 404 ApiError naming `line` when
 * the job has no such line, and returns an empty token list while the line is not scored yet.
 */
export async function readScoreDetail(prisma: PrismaClient, jobId: string, line: number): Promise<ScoreDetailView> {
  const rows = await prisma.$queryRaw<ScoreRow[]>`
    SELECT ${COLUMNS}
    FROM job_items i
    LEFT JOIN sentence_scores s ON s.job_id = i.job_id AND s.line_number = i.line_number
    WHERE i.job_id = ${jobId}::uuid AND i.line_number = ${line}`;
  const row = rows[0];
  if (row === undefined) throw new ApiError(404, "line_not_found", "scoring.lineNotFound", { line }, { field: "line", retryable: false });
  const tokens = await readTokenScores(prisma, jobId, [line]);
  return { row: toRowView(row), tokens: tokens.get(line) ?? [] };
}
