import { z } from "zod";

const count = (name: string, fallback: number, max = 1_000_000_000) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int({ error: `${name} must be a whole number` })
    .min(1, { error: `${name} must be at least 1` })
    .max(max, { error: `${name} must be at most ${max}` })
    .default(fallback);

/** Environment variables of the abuse limits, each with its default. */
export const limitsEnvSchema = z.object({
  /** Submissions per API token or signed-in user per window. */
  MASKFILL_RATE_LIMIT_PER_TOKEN: count("MASKFILL_RATE_LIMIT_PER_TOKEN", 600),
  /** Submissions per client IP address per window, counted across all accounts. */
  MASKFILL_RATE_LIMIT_PER_IP: count("MASKFILL_RATE_LIMIT_PER_IP", 1200),
  /** Length of the rate-limit window in seconds. */
  MASKFILL_RATE_LIMIT_WINDOW_SECONDS: count("MASKFILL_RATE_LIMIT_WINDOW_SECONDS", 60, 86_400),
  /** Maximum characters (UTF-16 code units) of one sentence. */
  MASKFILL_MAX_SENTENCE_CHARS: count("MASKFILL_MAX_SENTENCE_CHARS", 2_000),
  /** Maximum masks in one sentence. */
  MASKFILL_MAX_MASKS: count("MASKFILL_MAX_MASKS", 16),
  /** Maximum predictions per mask (top-k). */
  MASKFILL_MAX_TOP_K: count("MASKFILL_MAX_TOP_K", 100),
  /** Maximum target words of one fill-mask request. */
  MASKFILL_MAX_TARGETS: count("MASKFILL_MAX_TARGETS", 100),
  /** Maximum rows of one uploaded corpus. */
  MASKFILL_MAX_CORPUS_ROWS: count("MASKFILL_MAX_CORPUS_ROWS", 1_000_000),
  /** Maximum queued or running corpus jobs per user. */
  MASKFILL_MAX_CONCURRENT_JOBS: count("MASKFILL_MAX_CONCURRENT_JOBS", 5),
  /** Waiting jobs in the interactive queue above which new single-sentence requests get 503 "busy". */
  MASKFILL_MAX_QUEUE_DEPTH: count("MASKFILL_MAX_QUEUE_DEPTH", 1_000),
});

/** Validated abuse limits. */
export interface LimitsConfig {
  ratePerToken: number;
  ratePerIp: number;
  rateWindowSeconds: number;
  maxSentenceChars: number;
  maxMasks: number;
  maxTopK: number;
  maxTargets: number;
  maxCorpusRows: number;
  maxConcurrentJobs: number;
  maxQueueDepth: number;
}

/** Validates the limit variables; throws one error listing each invalid variable with its value and rule. */
export function loadLimits(env: Record<string, string | undefined> = process.env): LimitsConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith("MASKFILL_") && value !== undefined && value !== ""));
  const parsed = limitsEnvSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "environment");
      return `- ${issue.message} (got ${JSON.stringify(present[key])})`;
    });
    throw new Error(`Invalid limit variables:\n${lines.join("\n")}\nFix these variables and restart.`);
  }
  const e = parsed.data;
  return {
    ratePerToken: e.MASKFILL_RATE_LIMIT_PER_TOKEN,
    ratePerIp: e.MASKFILL_RATE_LIMIT_PER_IP,
    rateWindowSeconds: e.MASKFILL_RATE_LIMIT_WINDOW_SECONDS,
    maxSentenceChars: e.MASKFILL_MAX_SENTENCE_CHARS,
    maxMasks: e.MASKFILL_MAX_MASKS,
    maxTopK: e.MASKFILL_MAX_TOP_K,
    maxTargets: e.MASKFILL_MAX_TARGETS,
    maxCorpusRows: e.MASKFILL_MAX_CORPUS_ROWS,
    maxConcurrentJobs: e.MASKFILL_MAX_CONCURRENT_JOBS,
    maxQueueDepth: e.MASKFILL_MAX_QUEUE_DEPTH,
  };
}
