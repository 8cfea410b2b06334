import { z } from "zod";
import { DEFAULT_DATABASE_URL, databaseUrlSchema, redactPassword } from "../db/database-url.ts";

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

const redisUrl = z
  .string()
  .trim()
  .default("redis://127.0.0.1:6379")
  .refine((value) => URL.canParse(value) && ["redis:", "rediss:"].includes(new URL(value).protocol), {
    error: "REDIS_URL must be a URL starting with redis:// or rediss://",
  });

/** Environment variables read by workers, the CLI and the web app, each with its default. */
export const envSchema = z.object({
  REDIS_URL: redisUrl,
  DATABASE_URL: databaseUrlSchema.default(DEFAULT_DATABASE_URL),
  /** Empty means the bundled default model. */
  MASKFILL_MODEL_DIR: z.string().trim().default(""),
  /** Unset means the model directory's default variant (maskfill.json), else fp32. */
  MASKFILL_MODEL_VARIANT: z.enum(["fp32", "quantized", "fp16"], { error: "MASKFILL_MODEL_VARIANT must be fp32, quantized or fp16" }).optional(),
  MASKFILL_EXECUTION_PROVIDER: z.enum(["cpu", "cuda"], { error: "MASKFILL_EXECUTION_PROVIDER must be cpu or cuda" }).default("cpu"),
  /** Maximum corpus chunk jobs one worker runs at a time; their items share the worker's batches. */
  MASKFILL_CONCURRENCY: positiveInt("MASKFILL_CONCURRENCY", 4),
  /** Maximum single-sentence jobs one worker runs at a time. */
  MASKFILL_INTERACTIVE_CONCURRENCY: positiveInt("MASKFILL_INTERACTIVE_CONCURRENCY", 64),
  /** Maximum padded tokens (rows x padded length) in one inference batch. */
  MASKFILL_TOKEN_BUDGET: positiveInt("MASKFILL_TOKEN_BUDGET", 2048),
  /** Milliseconds a partly filled batch waits for more requests before it runs. */
  MASKFILL_BATCH_WAIT_MS: z.coerce
    .number({ error: "MASKFILL_BATCH_WAIT_MS must be a number" })
    .int({ error: "MASKFILL_BATCH_WAIT_MS must be a whole number of milliseconds" })
    .min(0, { error: "MASKFILL_BATCH_WAIT_MS must be 0 or more" })
    .max(10_000, { error: "MASKFILL_BATCH_WAIT_MS must be at most 10000" })
    .default(5),
  /**
   * Batches handed to the inference thread before the first finishes. 2 keeps the thread busy
   * while the main thread handles results, but a sentence may then wait behind two batches.
   */
  MASKFILL_BATCHES_IN_FLIGHT: positiveInt("MASKFILL_BATCHES_IN_FLIGHT", 1).refine((n) => n <= 8, {
    error: "MASKFILL_BATCHES_IN_FLIGHT must be at most 8",
  }),
  /**
   * Multiplier of the token budget for corpus-only batches, which the engine splits into session
   * runs within the budget after sorting them by exact length. Larger values pad less, but a
   * sentence may wait behind a longer batch.
   */
  MASKFILL_BULK_BATCH_FACTOR: positiveInt("MASKFILL_BULK_BATCH_FACTOR", 2).refine((n) => n <= 16, {
    error: "MASKFILL_BULK_BATCH_FACTOR must be at most 16",
  }),
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
  /**
   * With "on", idle onnxruntime threads spin, which gives the best throughput on cores the worker
   * has to itself. With "off" they sleep and leave the CPU to the web app, Redis and PostgreSQL on
   * a shared host. Off is the default because spinning threads raised the sentence API's p99
   * latency from about 100 ms to over 300 ms at 200 requests/s on a 2-core host running the whole
   * stack (docs/reliability.md).
   */
  MASKFILL_THREAD_SPINNING: z.enum(["on", "off"], { error: "MASKFILL_THREAD_SPINNING must be on or off" }).default("off"),
  /** Intra-op threads for the CPU provider; 0 lets onnxruntime choose. */
  MASKFILL_INTRA_OP_THREADS: z.coerce
    .number({ error: "MASKFILL_INTRA_OP_THREADS must be a number" })
    .int({ error: "MASKFILL_INTRA_OP_THREADS must be a whole number" })
    .min(0, { error: "MASKFILL_INTRA_OP_THREADS must be 0 or more" })
    .default(0),
  /**
   * Milliseconds a worker's lock on a job lasts without renewal; a killed worker's jobs are
   * picked up by another worker after about this long.
   */
  MASKFILL_LOCK_DURATION_MS: positiveInt("MASKFILL_LOCK_DURATION_MS", 30_000).refine((n) => n >= 1_000, {
    error: "MASKFILL_LOCK_DURATION_MS must be at least 1000",
  }),
  /** Milliseconds a worker waits for in-flight jobs at shutdown before leaving them to another worker. */
  MASKFILL_SHUTDOWN_GRACE_MS: positiveInt("MASKFILL_SHUTDOWN_GRACE_MS", 25_000),
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
  batchesInFlight: number;
  bulkBatchFactor: number;
  chunkSize: number;
  queuePrefix: string;
  intraOpThreads: number;
  threadSpinning: boolean;
  lockDurationMs: number;
  shutdownGraceMs: number;
  /** Empty string means host name and process id. */
  workerId: string;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
}

/**
 * Validates the environment and returns the configuration. Throws ConfigError listing every
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
      const valueText = value === undefined ? "" : ` (got ${JSON.stringify(isSecretKey(key) ? redactPassword(value) : value)})`;
      return `- ${issue.message}${valueText}`;
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
    batchesInFlight: e.MASKFILL_BATCHES_IN_FLIGHT,
    bulkBatchFactor: e.MASKFILL_BULK_BATCH_FACTOR,
    chunkSize: e.MASKFILL_CHUNK_SIZE,
    queuePrefix: e.MASKFILL_QUEUE_PREFIX,
    intraOpThreads: e.MASKFILL_INTRA_OP_THREADS,
    threadSpinning: e.MASKFILL_THREAD_SPINNING === "on",
    lockDurationMs: e.MASKFILL_LOCK_DURATION_MS,
    shutdownGraceMs: e.MASKFILL_SHUTDOWN_GRACE_MS,
    workerId: e.MASKFILL_WORKER_ID,
    logLevel: e.LOG_LEVEL,
  };
}

function isSecretKey(key: string): boolean {
  return key === "DATABASE_URL" || key === "REDIS_URL";
}
