import { z } from "zod";
import { MAX_SENTENCE_CHARS } from "./schemas.ts";
import { SCORE_VARIANTS } from "./score-variants.ts";

/**
 * Request schemas of the scoring API. The playground runs the same checks in the browser before
 * it sends a request, so the form shows the error the server would return.
 */

export { SCORE_VARIANTS, type ScoreVariantName } from "./score-variants.ts";

/** Sentences one playground request may score; each becomes its own queued job. */
export const MAX_SCORE_SENTENCES = 10;

/** Orders of the score table: line order, most natural first (lowest PPPL) or least natural first. */
export const SCORE_SORTS = ["line", "pppl_asc", "pppl_desc"] as const;
export type ScoreSort = (typeof SCORE_SORTS)[number];

/** Splits the playground box into sentences: one per line, trimmed, blank lines left out. */
export function splitSentences(value: string): string[] {
  return value.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
}

export const scoreRequestSchema = z.object({
  sentences: z.array(z.string().trim().min(1).max(MAX_SENTENCE_CHARS)).min(1).max(MAX_SCORE_SENTENCES),
  variant: z.enum(SCORE_VARIANTS).default("original"),
});
export type ScoreRequestBody = z.infer<typeof scoreRequestSchema>;

export const scoreQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  q: z.string().trim().max(200).optional(),
  status: z.enum(["pending", "completed", "failed"]).optional(),
  sort: z.enum(SCORE_SORTS).default("line"),
});
export type ScoreQuery = z.infer<typeof scoreQuerySchema>;

export const scoreExportQuerySchema = scoreQuerySchema.omit({ limit: true, cursor: true }).extend({
  format: z.enum(["csv", "jsonl"]).default("csv"),
});

export const scoreSummaryQuerySchema = z.object({
  bins: z.coerce.number().int().min(1).max(100).default(20),
});

/** Route parameters of /api/jobs/:id/scores/:line. */
export const scoreLineParamsSchema = z.object({
  id: z.uuid(),
  line: z.coerce.number().int().min(1).max(2_147_483_647),
});
