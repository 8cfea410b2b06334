import { z } from "zod";

/** Parses a byte size such as "200mb", "512kb" or "1048576" into bytes; throws on anything else. */
export function parseByteSize(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
  if (match === null) {
    throw new Error(`invalid byte size "${value}": use a number of bytes or a number with kb, mb or gb, e.g. "200mb"`);
  }
  const units: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };
  const unit = (match[2] ?? "b").toLowerCase();
  return Math.floor(Number(match[1]) * (units[unit] ?? 1));
}

const byteSize = z.string().transform((value, context) => {
  try {
    return parseByteSize(value);
  } catch (error) {
    context.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

/** Builds the schema of a whole number of milliseconds from `min` to `max`, with errors that name the variable and the rule. */
function milliseconds(name: string, min: number, max: number) {
  return z.coerce
    .number({ error: `${name} must be a number of milliseconds` })
    .int({ error: `${name} must be a whole number of milliseconds` })
    .min(min, min === 0 ? `${name} must be 0 or more` : `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);
}

/**
 * Variables that only the web app reads. The shared ones (REDIS_URL, DATABASE_URL,
 * MASKFILL_QUEUE_PREFIX) are validated by the core configuration, so web and workers agree.
 */
export const webEnvSchema = z.object({
  /** Folder that receives uploaded corpora before a job is submitted. */
  MASKFILL_UPLOAD_DIR: z.string().trim().min(1, "MASKFILL_UPLOAD_DIR must not be empty").default("storage/uploads"),
  /** Maximum size of one uploaded corpus, e.g. "200mb". */
  MASKFILL_UPLOAD_MAX_BYTES: byteSize.default(200 * 1024 * 1024),
  /** Time a single-sentence prediction waits for its result, in milliseconds. */
  MASKFILL_PREDICT_TIMEOUT_MS: milliseconds("MASKFILL_PREDICT_TIMEOUT_MS", 100, 600_000).default(30_000),
  /**
   * Milliseconds a resolved API token is reused without reading Postgres; 0 reads it on every
   * request. A token revoked by another process (another web instance, the CLI) keeps working
   * on this one for at most this long.
   */
  MASKFILL_TOKEN_CACHE_MS: milliseconds("MASKFILL_TOKEN_CACHE_MS", 0, 60_000).default(2_000),
});

export interface WebEnv {
  uploadDir: string;
  uploadMaxBytes: number;
  predictTimeoutMs: number;
  tokenCacheMs: number;
}

let cached: WebEnv | undefined;

/** Validates the web app's variables once per process; throws naming each invalid variable and its rule. */
export function webEnv(source: Record<string, string | undefined> = process.env): WebEnv {
  if (source === process.env && cached !== undefined) return cached;
  const present = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = webEnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid web app environment: ${problems.join("; ")}. Fix these variables and restart.`);
  }
  const env: WebEnv = {
    uploadDir: parsed.data.MASKFILL_UPLOAD_DIR,
    uploadMaxBytes: parsed.data.MASKFILL_UPLOAD_MAX_BYTES,
    tokenCacheMs: parsed.data.MASKFILL_TOKEN_CACHE_MS,
    predictTimeoutMs: parsed.data.MASKFILL_PREDICT_TIMEOUT_MS,
  };
  if (source === process.env) cached = env;
  return env;
}
