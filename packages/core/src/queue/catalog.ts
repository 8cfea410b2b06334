import { z } from "zod";
import { INVALID_TARGET_CHARACTER } from "../corpus/text-characters.ts";

/**
 * Job catalog: one zod schema per BullMQ job name, shared by the producer (which validates
 * before enqueueing) and the worker (which validates again before running, because anything
 * with Redis access can add jobs). Adding an inference kind means one entry in `kindOptions`.
 */

/** Maximum length of a sentence from a request or a corpus line, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 20_000;

/** Maximum predictions per mask (topK) of a request. */
export const MAX_TOP_K = 1_000;

export const fillMaskOptionsSchema = z.strictObject({
  topK: z
    .int({ error: "topK must be a whole number" })
    .min(1, { error: "topK must be at least 1" })
    .max(MAX_TOP_K, { error: `topK must be at most ${MAX_TOP_K}` })
    .default(5),
  targets: z
    .array(
      z
        .string()
        .min(1, { error: "each target must be a non-empty word" })
        .refine((target) => !INVALID_TARGET_CHARACTER.test(target), {
          error: "each target must be plain text without control characters or unpaired surrogates",
        }),
    )
    .min(1, { error: "targets must list at least one word, or be left out" })
    .max(1_000, { error: "targets may list at most 1000 words" })
    .optional(),
  dropSpecialTokens: z.boolean().default(true),
});

export const scoreOptionsSchema = z.strictObject({
  variant: z.enum(["original", "within_word_l2r"], { error: "variant must be original or within_word_l2r" }).default("original"),
});

/** Options schema of each inference kind. */
export const kindOptions = {
  "fill-mask": fillMaskOptionsSchema,
  score: scoreOptionsSchema,
} as const;

export type JobKind = keyof typeof kindOptions;
export const jobKinds = Object.keys(kindOptions) as JobKind[];
export type FillMaskOptions = z.output<typeof fillMaskOptionsSchema>;
export type ScoreOptions = z.output<typeof scoreOptionsSchema>;
export type KindOptions = { "fill-mask": FillMaskOptions; score: ScoreOptions };

/** Returns true when `value` names an inference kind. */
export function isJobKind(value: string): value is JobKind {
  return Object.hasOwn(kindOptions, value);
}

const jobId = z.uuid({ error: "jobId must be a UUID" });
const text = z
  .string({ error: "text must be a string" })
  .min(1, { error: "text must not be empty" })
  .max(MAX_TEXT_LENGTH, { error: `text must be at most ${MAX_TEXT_LENGTH} characters` })
  .refine((value) => !value.includes("\u0000"), { error: "text must not contain the NUL character (U+0000)" });

const sentencePayload = <K extends JobKind>(kind: K) =>
  z.strictObject({ jobId, text, options: kindOptions[kind] });

const chunkPayload = <K extends JobKind>(kind: K) =>
  z
    .strictObject({
      jobId,
      /** First item index of the chunk (inclusive). */
      start: z.int().min(0, { error: "start must be 0 or more" }),
      /** Index after the last item of the chunk (exclusive). */
      end: z.int().min(1, { error: "end must be at least 1" }),
      options: kindOptions[kind],
    })
    .refine((chunk) => chunk.end > chunk.start, { error: "end must be greater than start" });

/** BullMQ job names and their payload schemas. Sentence jobs carry their text; chunk jobs read items from Postgres. */
export const jobCatalog = {
  "fill-mask": sentencePayload("fill-mask"),
  score: sentencePayload("score"),
  "fill-mask-chunk": chunkPayload("fill-mask"),
  "score-chunk": chunkPayload("score"),
} as const;

export type JobName = keyof typeof jobCatalog;
export type JobPayload<N extends JobName> = z.output<(typeof jobCatalog)[N]>;
export type SentencePayload = JobPayload<"fill-mask"> | JobPayload<"score">;
export type ChunkPayload = JobPayload<"fill-mask-chunk"> | JobPayload<"score-chunk">;

/** Name of the chunk job of an inference kind. */
export function chunkJobName(kind: JobKind): "fill-mask-chunk" | "score-chunk" {
  return kind === "fill-mask" ? "fill-mask-chunk" : "score-chunk";
}

/** Inference kind of a job name, or undefined for a name outside the catalog. */
export function kindOfJobName(name: string): JobKind | undefined {
  const base = name.endsWith("-chunk") ? name.slice(0, -"-chunk".length) : name;
  return isJobKind(base) ? base : undefined;
}

/** Raised for a payload that does not match its job name's schema; the same payload always fails, so never retry it. */
export class InvalidPayloadError extends Error {
  override readonly name = "InvalidPayloadError";
  readonly retryable = false;
}

/**
 * Validates a job's payload against the schema of its name and returns the parsed payload with
 * defaults filled in. Throws InvalidPayloadError naming the job, the field and the rule.
 */
export function parseJobPayload<N extends JobName>(name: N, data: unknown): JobPayload<N>;
export function parseJobPayload(name: string, data: unknown): JobPayload<JobName>;
export function parseJobPayload(name: string, data: unknown): JobPayload<JobName> {
  if (!Object.hasOwn(jobCatalog, name)) {
    throw new InvalidPayloadError(
      `Unknown job name "${name}"; expected one of ${Object.keys(jobCatalog).join(", ")}.`,
    );
  }
  const parsed = jobCatalog[name as JobName].safeParse(data);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map((issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`);
    throw new InvalidPayloadError(`Invalid payload for job "${name}": ${reasons.join("; ")}.`);
  }
  return parsed.data;
}
