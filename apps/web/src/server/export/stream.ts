import type { PrismaClient } from "@maskfill/core/db";
import type { ResultRowView } from "../../lib/api-types.ts";
import { readResultPage, type ResultFilters } from "../results.ts";
import { csvRow } from "./csv.ts";
import { pagedExportStream } from "./paged-stream.ts";

/** Rows read from Postgres per export query; memory stays bounded by one such page. */
const EXPORT_PAGE_ROWS = 1000;

export const CSV_HEADER = ["line_number", "text", "status", "error", "mask_index", "rank", "token_id", "token", "probability", "sequence"];

/** Formats one item as CSV records: one per prediction, or one with empty prediction cells. */
export function itemToCsv(row: ResultRowView): string {
  const base = [row.lineNumber, row.text, row.status, row.error];
  if (row.masks.length === 0) return csvRow([...base, null, null, null, null, null, null]);
  let output = "";
  row.masks.forEach((predictions, maskIndex) => {
    predictions.forEach((prediction, index) => {
      output += csvRow([...base, maskIndex, index + 1, prediction.tokenId, prediction.token, prediction.probability, prediction.sequence]);
    });
  });
  return output;
}

/** Formats one item as a JSON line. */
export function itemToJsonl(row: ResultRowView): string {
  return `${JSON.stringify({ lineNumber: row.lineNumber, text: row.text, status: row.status, error: row.error, masks: row.masks })}\n`;
}

/**
 * Streams a job's rows as CSV (with a UTF-8 BOM so spreadsheets detect the encoding) or JSONL,
 * one keyset page at a time (see pagedExportStream).
 */
export function exportStream(prisma: PrismaClient, jobId: string, filters: ResultFilters, format: "csv" | "jsonl"): ReadableStream<Uint8Array> {
  const header = format === "csv" ? `\uFEFF${csvRow(CSV_HEADER)}` : "";
  return pagedExportStream(jobId, header, async (cursor) => {
    const page = await readResultPage(prisma, jobId, { ...filters, cursor, limit: EXPORT_PAGE_ROWS });
    return { text: page.rows.map((row) => (format === "csv" ? itemToCsv(row) : itemToJsonl(row))).join(""), nextCursor: page.nextCursor };
  });
}
