import { z } from "zod";
import { ApiError } from "./http/api-error.ts";

/**
 * Opaque keyset cursors: the sort key of the last row of a page, as base64url JSON. The schema
 * of each cursor kind is checked on the way back in, so a tampered cursor is a 400, not a SQL error.
 */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

/** Decodes a cursor with `schema`; throws a 400 ApiError naming the `cursor` field when it does not match. */
export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(400, "invalid_request", "validation.invalid", { field: "cursor" }, { field: "cursor", retryable: false });
  return parsed.data;
}

/** Cursor of the results table in line order. */
export const lineCursorSchema = z.strictObject({ l: z.int().min(0) });

/** Cursor of the results table in score order: top probability and line number. */
export const scoreCursorSchema = z.strictObject({ p: z.number().min(0).max(1), l: z.int().min(0) });

/** Cursor of the job list: creation time (ISO) and id. */
export const jobCursorSchema = z.strictObject({ c: z.iso.datetime(), id: z.uuid() });
