import { z } from "zod";
import { CorpusOptionsError } from "./errors.ts";

/** Corpus file formats: one sentence per line, JSON Lines, or CSV. */
export const CorpusFormat = z.enum(["txt", "jsonl", "csv"], {
  error: 'format must be one of "txt", "jsonl" or "csv"',
});
export type CorpusFormat = z.infer<typeof CorpusFormat>;

/**
 * Default limits. They guard memory and the error output against hostile or mistaken uploads,
 * not the engine: a RoBERTa window is 512 tokens, far fewer than 100,000 characters.
 */
export const DEFAULT_CORPUS_LIMITS = {
  maxLineLength: 100_000,
  maxRows: 10_000_000,
  maxColumns: 1_000,
  maxErrors: 1_000,
} as const;

function positiveInteger(name: string, defaultValue: number) {
  return z
    .int(`limits.${name} must be an integer`)
    .min(1, `limits.${name} must be at least 1`)
    .max(Number.MAX_SAFE_INTEGER, `limits.${name} must be at most ${Number.MAX_SAFE_INTEGER}`)
    .default(defaultValue);
}

const COLUMN_RULE = "column must be a non-empty header name or a 0-based integer index";

/** Limits of one parse. Each violation is reported with its line number and the limit's name. */
export const CorpusLimits = z.object({
  /** Max characters (Unicode code points) of a line, or of a CSV record that spans lines. */
  maxLineLength: positiveInteger("maxLineLength", DEFAULT_CORPUS_LIMITS.maxLineLength),
  /** Max rows emitted. The parse stops with a "too_many_rows" error at the first row beyond it. */
  maxRows: positiveInteger("maxRows", DEFAULT_CORPUS_LIMITS.maxRows),
  /** Max columns of a CSV record. */
  maxColumns: positiveInteger("maxColumns", DEFAULT_CORPUS_LIMITS.maxColumns),
  /**
   * Max row errors before the parse gives up on a file that has no more rows than errors. It then
   * stops with a "too_many_errors" error. A file with more rows than errors is parsed to the end.
   */
  maxErrors: positiveInteger("maxErrors", DEFAULT_CORPUS_LIMITS.maxErrors),
});
export type CorpusLimits = z.input<typeof CorpusLimits>;

/** Options of `parseCorpus` and `previewCorpus`, checked at the boundary. */
export const CorpusOptions = z.object({
  format: CorpusFormat,
  /** JSONL: the key that contains the text, or a dotted path such as "meta.text". Default "text". */
  field: z.string("field must be a string").min(1, "field must not be empty").optional(),
  /** CSV: the text column, by header name or 0-based index. Default: the "text" or "sentence" column, else column 0. */
  column: z
    .union(
      [
        z.string().min(1, COLUMN_RULE),
        z.int(COLUMN_RULE).min(0, COLUMN_RULE).max(Number.MAX_SAFE_INTEGER, COLUMN_RULE),
      ],
      { error: COLUMN_RULE },
    )
    .optional(),
  /** CSV: whether the first record is a header; "auto" (the default) guesses from the first two records. */
  header: z.union([z.boolean(), z.literal("auto")], { error: 'header must be true, false or "auto"' }).optional(),
  /** CSV: the field delimiter, one character. Default ",". */
  delimiter: z.string("delimiter must be a string").length(1, "delimiter must be exactly one character").optional(),
  /** Name of the source file, used in messages about the whole file. */
  fileName: z.string("fileName must be a string").optional(),
  limits: CorpusLimits.prefault({}),
});
export type CorpusOptions = z.input<typeof CorpusOptions>;

/** Corpus options after validation, with every default filled in. */
export interface ResolvedCorpusOptions {
  format: CorpusFormat;
  field: string;
  column: string | number | undefined;
  header: boolean | "auto";
  delimiter: string;
  fileName: string | undefined;
  limits: z.output<typeof CorpusLimits>;
}

/**
 * Validates corpus options and fills in the defaults. Throws CorpusOptionsError naming the
 * option and the rule, e.g. when `column` is given for a jsonl file.
 */
export function resolveCorpusOptions(options: CorpusOptions): ResolvedCorpusOptions {
  const result = CorpusOptions.safeParse(options);
  if (!result.success) {
    const messages = result.error.issues.map((issue) => issue.message);
    throw new CorpusOptionsError(`Invalid corpus options: ${messages.join("; ")}.`);
  }
  const parsed = result.data;

  if (parsed.field !== undefined && parsed.format !== "jsonl") {
    throw new CorpusOptionsError(`field applies to jsonl files only, not ${parsed.format}; use column for csv.`);
  }
  if (parsed.column !== undefined && parsed.format !== "csv") {
    throw new CorpusOptionsError(`column applies to csv files only, not ${parsed.format}; use field for jsonl.`);
  }
  if (parsed.header !== undefined && parsed.format !== "csv") {
    throw new CorpusOptionsError(`header applies to csv files only, not ${parsed.format}.`);
  }
  if (parsed.delimiter !== undefined && parsed.format !== "csv") {
    throw new CorpusOptionsError(`delimiter applies to csv files only, not ${parsed.format}.`);
  }
  if (parsed.delimiter !== undefined && ['"', "\n", "\r"].includes(parsed.delimiter)) {
    throw new CorpusOptionsError(`delimiter must not be a double quote or a line break, got ${JSON.stringify(parsed.delimiter)}.`);
  }
  if (typeof parsed.column === "string" && parsed.header === false) {
    throw new CorpusOptionsError(
      `column "${parsed.column}" is a header name, but header is false; set header to true or "auto", or pass a 0-based index.`,
    );
  }

  return {
    format: parsed.format,
    field: parsed.field ?? "text",
    column: parsed.column,
    header: parsed.header ?? "auto",
    delimiter: parsed.delimiter ?? ",",
    fileName: parsed.fileName,
    limits: parsed.limits,
  };
}
