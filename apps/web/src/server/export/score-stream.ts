import type { PrismaClient } from "@maskfill/core/db";
import type { ScoreRowView, TokenScoreView } from "../../lib/score-types.ts";
import { readScorePage, readTokenScores, type ScoreFilters } from "../scores.ts";
import { csvRow } from "./csv.ts";
import { pagedExportStream } from "./paged-stream.ts";

/** Rows read from Postgres per export query; memory stays bounded by one such page and its tokens. */
const EXPORT_PAGE_ROWS = 500;

export const SCORE_CSV_HEADER = ["line_number", "text", "status", "error", "variant", "model", "pll", "token_count", "mean_pll", "pseudo_perplexity"];

/** Formats one row as a CSV record; an unscored row has empty score cells. */
export function scoreRowToCsv(row: ScoreRowView): string {
  const score = row.score;
  return csvRow([row.lineNumber, row.text, row.status, row.error, score?.variant, row.model, score?.pll, score?.tokenCount, score?.meanPll, score?.pseudoPerplexity]);
}

/** Formats one row and its per-token values as a JSON line; `score` and `tokens` are null until the row is scored. */
export function scoreRowToJsonl(row: ScoreRowView, tokens: TokenScoreView[] | undefined): string {
  const score = row.score;
  return `${JSON.stringify({
    lineNumber: row.lineNumber,
    text: row.text,
    status: row.status,
    error: row.error,
    model: row.model,
    variant: score?.variant ?? null,
    pll: score?.pll ?? null,
    tokenCount: score?.tokenCount ?? null,
    meanPll: score?.meanPll ?? null,
    pseudoPerplexity: score?.pseudoPerplexity ?? null,
    tokens: score === null ? null : (tokens ?? []),
  })}\n`;
}

/**
 * Streams a score job's rows as CSV (one record per sentence, with a UTF-8 BOM) or JSONL (one
 * object per sentence with its tokens), one keyset page at a time.
 */
export function scoreExportStream(prisma: PrismaClient, jobId: string, filters: ScoreFilters, format: "csv" | "jsonl"): ReadableStream<Uint8Array> {
  const header = format === "csv" ? `\uFEFF${csvRow(SCORE_CSV_HEADER)}` : "";
  return pagedExportStream(jobId, header, async (cursor) => {
    const page = await readScorePage(prisma, jobId, { ...filters, cursor, limit: EXPORT_PAGE_ROWS });
    if (format === "csv") return { text: page.rows.map(scoreRowToCsv).join(""), nextCursor: page.nextCursor };
    const tokens = await readTokenScores(prisma, jobId, page.rows.filter((row) => row.score !== null).map((row) => row.lineNumber));
    return { text: page.rows.map((row) => scoreRowToJsonl(row, tokens.get(row.lineNumber))).join(""), nextCursor: page.nextCursor };
  });
}
