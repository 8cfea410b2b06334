import { z } from "zod";

/** Raised when an environment variable is invalid; fixing the environment is the only remedy, so retrying cannot help. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly retryable = false;
}

const positiveInt = (name: string, fallback: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int({ error: `${name} must be a whole number` })
    .positive({ error: `${name} must be greater than 0` })
    .default(fallback);

const url = (name: string, protocols: string[], fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), {
      error: `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`,
    });

/** Environment variables read by workers, the CLI and the web app, each with its default. */
export const envSchema = z.object({
  REDIS_URL: url("REDIS_URL", ["redis:", "rediss:"], "redis://127.0.0.1:6379"),
  DATABASE_URL: url("DATABASE_URL", ["postgres:", "postgresql:"], "postgresql://postgres@127.0.0.1:5432/maskfill"),
  /** Empty means the bundled default model. */
  MASKFILL_MODEL_DIR: z.string().trim().default(""),
  /** Unset means the model directory's default variant (maskfill.json), else fp32. */
  MASKFILL_MODEL_VARIANT: z.enum(["fp32", "quantized", "fp16"], { error: "MASKFILL_MODEL_VARIANT must be fp32, quantized or fp16" }).optional(),
  MASKFILL_EXECUTION_PROVIDER: z.enum(["cpu", "cuda"], { error: "MASKFILL_EXECUTION_PROVIDER must be cpu or cuda" }).default("cpu"),
  /** Corpus chunk jobs one worker holds at a time; their items share the worker's batches. */
  MASKFILL_CONCURRENCY: positiveInt("MASKFILL_CONCURRENCY", 4),
  /** Single-sentence jobs one worker holds at a time. */
  MASKFILL_INTERACTIVE_CONCURRENCY: positiveInt("MASKFILL_INTERACTIVE_CONCURRENCY", 64),
  /** Maximum padded tokens (rows x padded length) in one inference batch. */
  MASKFILL_TOKEN_BUDGET: positiveInt("MASKFILL_TOKEN_BUDGET", 8192),
  /** Milliseconds a partly filled batch waits for more requests before it runs. */
  MASKFILL_BATCH_WAIT_MS: z.coerce
    .number({ error: "MASKFILL_BATCH_WAIT_MS must be a number" })
    .int({ error: "MASKFILL_BATCH_WAIT_MS must be a whole number of milliseconds" })
    .min(0, { error: "MASKFILL_BATCH_WAIT_MS must be 0 or more" })
    .max(10_000, { error: "MASKFILL_BATCH_WAIT_MS must be at most 10000" })
    .default(5),
  /** Items per corpus chunk job. */
  MASKFILL_CHUNK_SIZE: positiveInt("MASKFILL_CHUNK_SIZE", 256).refine((n) => n <= 10_000, {
    error: "MASKFILL_CHUNK_SIZE must be at most 10000",
  }),
  /** Prefix of every Redis key; workers and producers must use the same one. */
  MASKFILL_QUEUE_PREFIX: z
    .string()
    .trim()
    .default("maskfill")
    .refine((value) => /^[A-Za-z0-9_.-]{1,64}$/.test(value), {
      error: "MASKFILL_QUEUE_PREFIX must be 1-64 letters, digits, '_', '.' or '-'",
    }),
  /** Intra-op threads for the CPU provider; 0 lets onnxruntime choose. */
  MASKFILL_INTRA_OP_THREADS: z.coerce
    .number({ error: "MASKFILL_INTRA_OP_THREADS must be a number" })
    .int({ error: "MASKFILL_INTRA_OP_THREADS must be a whole number" })
    .min(0, { error: "MASKFILL_INTRA_OP_THREADS must be 0 or more" })
    .default(0),
  /** Worker id shown in the dashboard; defaults to host name and process id. */
  MASKFILL_WORKER_ID: z.string().trim().default(""),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
    error: "LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent",
  }).default("info"),
});

/** Validated configuration, with camel-case names. */
export interface MaskfillConfig {
  redisUrl: string;
  databaseUrl: string;
  /** Empty string selects the bundled default model. */
  modelDir: string;
  /** Undefined selects the model directory's default variant. */
  modelVariant: "fp32" | "quantized" | "fp16" | undefined;
  executionProvider: "cpu" | "cuda";
  concurrency: number;
  interactiveConcurrency: number;
  tokenBudget: number;
  batchWaitMs: number;
  chunkSize: number;
  queuePrefix: string;
  intraOpThreads: number;
  workerId: string;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

/**
 * Validates the environment and returns the configuration; throws ConfigError listing every
 * invalid variable with its value, so a bad deployment fails at start-up and not on the first job.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): MaskfillConfig {
  // Empty strings count as unset, so `REDIS_URL=` in an .env file falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "environment");
      const value = present[key];
      const shown = value === undefined ? "" : ` (got ${JSON.stringify(isSecretKey(key) ? redact(value) : value)})`;
      return `- ${issue.message}${shown}`;
    });
    throw new ConfigError(`Invalid environment variables:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    redisUrl: e.REDIS_URL,
    databaseUrl: e.DATABASE_URL,
    modelDir: e.MASKFILL_MODEL_DIR,
    modelVariant: e.MASKFILL_MODEL_VARIANT,
    executionProvider: e.MASKFILL_EXECUTION_PROVIDER,
    concurrency: e.MASKFILL_CONCURRENCY,
    interactiveConcurrency: e.MASKFILL_INTERACTIVE_CONCURRENCY,
    tokenBudget: e.MASKFILL_TOKEN_BUDGET,
    batchWaitMs: e.MASKFILL_BATCH_WAIT_MS,
    chunkSize: e.MASKFILL_CHUNK_SIZE,
    queuePrefix: e.MASKFILL_QUEUE_PREFIX,
    intraOpThreads: e.MASKFILL_INTRA_OP_THREADS,
    workerId: e.MASKFILL_WORKER_ID,
    logLevel: e.LOG_LEVEL,
  };
}

function isSecretKey(key: string): boolean {
  return key === "DATABASE_URL" || key === "REDIS_URL";
}

/** Replaces the password of a connection URL with "***" so it can appear in an error message. */
export function redact(value: string): string {
  if (!URL.canParse(value)) return value.replace(/:[^:@/]*@/, ":***@");
  const parsed = new URL(value);
  if (parsed.password !== "") parsed.password = "***";
  return parsed.toString();
}
