import { z } from "zod";
import { INVALID_TARGET_CHARACTER } from "@maskfill/core/text-characters";
import { SCORE_VARIANTS } from "./score-variants.ts";

/**
 * Request schemas of the HTTP API. The browser runs the same checks before it sends a request,
 * so a form shows the error that the server would return. Custom rules carry a catalog key in
 * `params.messageKey` so the message can be shown in the user's language.
 */

/** Maximum of the top-k sliders; the API accepts more, up to MASKFILL_MAX_TOP_K. */
export const MAX_TOP_K = 50;
// Hard caps of the request schemas, equal to the job payload caps of @maskfill/core/queue. The
// deployment's own limits (MASKFILL_MAX_TOP_K, MASKFILL_MAX_TARGETS, MASKFILL_MAX_SENTENCE_CHARS)
// are lower by default and return 422 on the server, so raising them takes effect without a code change.
export const MAX_SENTENCE_CHARS = 20_000;
const HARD_MAX_TOP_K = 1_000;
const HARD_MAX_TARGETS = 1_000;
export const MASK_TOKEN = "<mask>";


/** Replaces hand-typed `[MASK]` (any case) with the model's `<mask>` token. */
export function normalizeMasks(text: string): string {
  return text.replace(/\[mask\]/gi, MASK_TOKEN);
}

/**
 * Splits a comma-separated target box (ASCII or full-width commas) into words; an empty box means
 * "no targets". The words are trimmed here because the request schema adds the leading space.
 */
export function parseTargets(value: string): string[] | undefined {
  const words = value.split(/[,，]/).map((word) => word.trim()).filter((word) => word !== "");
  return words.length === 0 ? undefined : words;
}

/**
 * Converts a target to the form that RoBERTa's tokenizer gives a word inside a sentence: "cake"
 * becomes " cake" (the token "Ġcake"). A target that already starts with a space is kept as sent.
 */
export function toWordTarget(target: string): string {
  return target.startsWith(" ") ? target : ` ${target}`;
}

/** Number of `<mask>` tokens after normalisation. */
export function countMasks(text: string): number {
  return normalizeMasks(text).split(MASK_TOKEN).length - 1;
}

const topK = z.number().int().min(1).max(HARD_MAX_TOP_K);

// NOTE: every target is scored as a word that follows a space, so the space-less token (a word
// at the start of the text, or a suffix such as "ake") cannot be requested through the API.
const targets = z
  .array(
    z
      .string()
      .max(100)
      .refine((target) => target.trim() !== "", { params: { messageKey: "validation.emptyTarget" } })
      .refine((target) => !INVALID_TARGET_CHARACTER.test(target), { params: { messageKey: "validation.targetCharacters" } })
      .transform(toWordTarget),
  )
  .min(1)
  .max(HARD_MAX_TARGETS)
  .optional();

export const predictRequestSchema = z.object({
  text: z
    .string()
    .trim()
    .min(1)
    .max(MAX_SENTENCE_CHARS)
    .transform(normalizeMasks)
    .refine((text) => text.includes(MASK_TOKEN), { params: { messageKey: "errors.noMask" } }),
  topK: topK.default(5),
  targets,
});
export type PredictRequest = z.infer<typeof predictRequestSchema>;

export const CORPUS_FORMATS = ["txt", "jsonl", "csv"] as const;
export type CorpusFormat = (typeof CORPUS_FORMATS)[number];

/** Job kinds offered by the upload form: masked-token prediction and pseudo-log-likelihood scoring. */
export const JOB_KINDS = ["fill-mask", "score"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const uploadNameSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(255)
    // Bidi_Control characters (such as U+202E RIGHT-TO-LEFT OVERRIDE) can show "gpj.txt" as "txt.jpg".
    .refine((name) => !/[\u0000-\u001f\u007f-\u009f\p{Bidi_Control}]/u.test(name), { params: { messageKey: "validation.fileNameCharacters" } })
    .refine((name) => /\.(txt|jsonl|csv)$/i.test(name), { params: { messageKey: "errors.badExtension" } }),
});

const headerOption = z.enum(["auto", "true", "false"]).default("auto");

/** Parser settings chosen on the upload page; `field` applies to jsonl, `column` to csv. */
export const corpusSettingsSchema = z.object({
  format: z.enum(CORPUS_FORMATS),
  field: z.string().trim().min(1).max(200).optional(),
  column: z.string().trim().min(1).max(200).optional(),
  header: headerOption,
});
export type CorpusSettings = z.infer<typeof corpusSettingsSchema>;

export const uploadIdSchema = z.uuid();

export const previewQuerySchema = corpusSettingsSchema.extend({
  format: z.enum(CORPUS_FORMATS).optional(),
  rows: z.coerce.number().int().min(1).max(50).default(10),
});

/**
 * Body of POST /api/jobs. Unknown fields are rejected, not ignored: a client that sends, say,
 * `corpus.limits` must learn that the parser limits are the server's to set.
 */
export const createJobSchema = z.strictObject({
  uploadId: uploadIdSchema,
  kind: z.enum(JOB_KINDS).default("fill-mask"),
  topK: topK.default(5),
  targets,
  /** PLL variant of a score job; fill-mask jobs ignore it. */
  variant: z.enum(SCORE_VARIANTS).default("original"),
  corpus: corpusSettingsSchema.strict(),
});
export type CreateJobRequest = z.infer<typeof createJobSchema>;

/** Job ids are UUIDs generated by Postgres. */
export const jobIdSchema = z.uuid();

/** Route parameters of /api/jobs/:id/...; parsing the object names the `id` field in errors. */
export const jobParamsSchema = z.object({ id: jobIdSchema });

/** Route parameters of /api/uploads/:id/... */
export const uploadParamsSchema = z.object({ id: uploadIdSchema });

export const JOB_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export const ITEM_STATUSES = ["pending", "completed", "failed"] as const;
export const RESULT_SORTS = ["line", "score_desc", "score_asc"] as const;

export const JOB_SOURCES = ["sentence", "corpus"] as const;

export const jobListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(200).optional(),
  status: z.enum(JOB_STATUSES).optional(),
  source: z.enum(JOB_SOURCES).optional(),
});

export const resultQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  q: z.string().trim().max(200).optional(),
  status: z.enum(ITEM_STATUSES).optional(),
  token: z.string().trim().max(100).optional(),
  sort: z.enum(RESULT_SORTS).default("line"),
});
export type ResultQuery = z.infer<typeof resultQuerySchema>;

export const exportQuerySchema = resultQuerySchema.omit({ limit: true, cursor: true }).extend({
  format: z.enum(["csv", "jsonl"]).default("csv"),
});

export const MODEL_VARIANTS = ["fp32", "quantized", "fp16"] as const;

export const loadModelSchema = z.object({
  modelDir: z.string().trim().min(1).max(1024),
  variant: z.enum(MODEL_VARIANTS).optional(),
});
export type LoadModelRequest = z.infer<typeof loadModelSchema>;
