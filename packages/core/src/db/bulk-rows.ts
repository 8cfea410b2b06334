import { z } from "zod";

import { BulkWriteError } from "./bulk-write-error";
import type { PrismaClient, Prisma } from "./generated/client";

/** A Prisma client or the client of an interactive transaction, both accepted by the bulk helpers. */
export type DatabaseClient = PrismaClient | Prisma.TransactionClient;

/** PostgreSQL cannot store U+0000 in text columns, so such strings are rejected up front with a clear message. */
const pgText = z.string({ error: "must be a string" }).refine((value) => !value.includes("\u0000"), { error: "must not contain the NUL character (U+0000)" });

/** A PostgreSQL integer column value of at least `min`. */
const intAtLeast = (min: number) =>
  z
    .number({ error: "must be a number" })
    .int({ error: `must be a whole number of at least ${min}` })
    .min(min, { error: `must be a whole number of at least ${min}` })
    .max(2_147_483_647, { error: "must be at most 2147483647 (PostgreSQL integer)" });

// zod 4 numbers reject NaN and Infinity, so no non-finite score reaches a double precision column.
const finite = z.number({ error: "must be a finite number" });

export const jobIdSchema = z.guid();
export const lineNumberSchema = intAtLeast(1);

export const jobItemRowSchema = z.object({
  lineNumber: lineNumberSchema,
  text: pgText,
});

export const fillMaskResultRowSchema = z.object({
  lineNumber: lineNumberSchema,
  maskIndex: intAtLeast(0),
  rank: intAtLeast(1),
  tokenId: intAtLeast(0),
  token: pgText,
  probability: finite.refine((value) => value >= 0, { error: "must be 0 or more" }),
  sequence: pgText,
});

export const tokenScoreRowSchema = z.object({
  position: intAtLeast(0),
  tokenId: intAtLeast(0),
  token: pgText,
  wordIndex: intAtLeast(0),
  logProb: finite,
});

export const sentenceScoreRowSchema = z.object({
  lineNumber: lineNumberSchema,
  variant: z.enum(["original", "within_word_l2r"], { error: 'must be "original" or "within_word_l2r"' }),
  modelName: pgText.refine((value) => value.length > 0, { error: "must not be empty" }),
  pll: finite,
  tokenCount: intAtLeast(0),
  meanPll: finite,
  pseudoPerplexity: finite,
  tokens: z.array(tokenScoreRowSchema, { error: "must be an array" }),
});

export type JobItemRow = z.infer<typeof jobItemRowSchema>;
export type FillMaskResultRow = z.infer<typeof fillMaskResultRowSchema>;
export type TokenScoreRow = z.infer<typeof tokenScoreRowSchema>;
export type SentenceScoreRow = z.infer<typeof sentenceScoreRowSchema>;

/** The rows of one job in a bulk write that covers several jobs. */
export interface JobRows<R> {
  jobId: string;
  rows: readonly R[];
}

/** Names the jobs of a failed multi-job write in an error message: "job X" or "jobs X, Y". */
export function describeJobs(groups: readonly { jobId: string }[]): string {
  return groups.length === 1 ? `job ${groups[0]!.jobId}` : `jobs ${groups.map((group) => group.jobId).join(", ")}`;
}

/**
 * Validates `jobId` and every row, then checks that no key occurs twice in the batch (the database
 * would keep one of them silently). Throws BulkWriteError naming the first bad row and field.
 */
export function parseRows<T extends { lineNumber: number }>(
  rowName: string,
  jobId: string,
  rows: readonly unknown[],
  schema: z.ZodType<T>,
  key: (row: T) => string,
): T[] {
  const job = jobIdSchema.safeParse(jobId);
  if (!job.success) {
    throw new BulkWriteError("invalid_rows", `Invalid jobId ${JSON.stringify(jobId)}: it must be the UUID of an existing job.`);
  }

  const parsed: T[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const result = schema.safeParse(row);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue?.path.join(".") || "row";
      const value = issue === undefined ? row : valueAt(row, issue.path);
      throw new BulkWriteError("invalid_rows", `Invalid ${rowName} at index ${index}: ${field} ${describeIssue(issue)} (got ${formatValue(value)}).`);
    }
    const rowKey = key(result.data);
    const previous = seen.get(rowKey);
    if (previous !== undefined) {
      throw new BulkWriteError("duplicate_rows", `Duplicate ${rowName} at indexes ${previous} and ${index} (${rowKey}): send each key once per batch.`);
    }
    seen.set(rowKey, index);
    parsed.push(result.data);
  });
  return parsed;
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  // The schemas above phrase every message as a predicate ("must ..."), but zod's own messages are not.
  const message = issue?.message ?? "is invalid";
  return message.startsWith("must") ? message : `is invalid: ${message}`;
}

function valueAt(row: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = row;
  for (const segment of path) {
    if (current === null || typeof current !== "object") {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function formatValue(value: unknown): string {
  if (typeof value === "number" && !Number.isFinite(value)) {
    return String(value);
  }
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Returns the PostgreSQL error code behind a Prisma raw-query error (e.g. "23503"), if there is one. */
export function postgresErrorCode(error: unknown): string | undefined {
  const meta = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null)?.meta;
  const code = meta?.driverAdapterError?.cause?.originalCode;
  return typeof code === "string" ? code : undefined;
}

/** Rethrows a foreign-key violation (23503) as BulkWriteError("missing_parent") with `message`. Other errors pass through. */
export function rethrowMissingParent(error: unknown, message: string): never {
  if (postgresErrorCode(error) === "23503") {
    throw new BulkWriteError("missing_parent", message, { cause: error });
  }
  throw error;
}
