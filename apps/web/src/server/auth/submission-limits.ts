import type { Principal } from "@maskfill/core/auth";
import type { PrismaClient } from "@maskfill/core/db";
import { checkConcurrentJobs, checkFillOptions, checkQueueDepth, checkSentence, LimitExceededError, type LimitCode, type RateDecision, type RateRule } from "@maskfill/core/limits";
import { localeOfRequest } from "../../i18n/server.ts";
import { translatorFor, type MessageKey } from "../../i18n/translate.ts";
import { ApiError } from "../http/api-error.ts";
import { withTimeout } from "../with-timeout.ts";
import { authServices } from "./auth-services.ts";
import { clientIp } from "./client-ip.ts";

const QUEUE_DEPTH_TIMEOUT_MS = 2_000;

const MESSAGE_KEYS: Record<LimitCode, MessageKey> = {
  rate_limited: "auth.rateLimited",
  sentence_too_long: "auth.sentenceTooLong",
  too_many_masks: "auth.tooManyMasks",
  top_k_too_large: "auth.topKTooLarge",
  too_many_targets: "auth.tooManyTargets",
  upload_too_large: "errors.uploadTooLarge",
  too_many_rows: "auth.tooManyRows",
  too_many_concurrent_jobs: "auth.tooManyConcurrentJobs",
  queue_busy: "auth.busy",
};

const FIELDS: Partial<Record<LimitCode, string>> = {
  sentence_too_long: "text",
  too_many_masks: "text",
  top_k_too_large: "topK",
  too_many_targets: "targets",
};

/** Converts a LimitExceededError into the API's translated error, with Retry-After when waiting helps. */
export function limitToApiError(error: LimitExceededError, params: Record<string, string | number> = {}): ApiError {
  const field = FIELDS[error.code];
  return new ApiError(
    error.status,
    error.code,
    MESSAGE_KEYS[error.code],
    { limit: error.limit, actual: error.actual, retryAfter: error.retryAfterSeconds ?? 0, ...params },
    {
      retryable: error.retryable,
      cause: error,
      ...(field === undefined ? {} : { field }),
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    },
  );
}

async function asApiError<T>(action: () => T | Promise<T>, params?: Record<string, string | number>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof LimitExceededError) throw limitToApiError(error, params);
    throw error;
  }
}

/**
 * Counts one request under each rate-limit rule in one Redis call (see RedisRateLimiter.consumeAll).
 * Throws ApiError 503 queue_unavailable when Redis cannot be reached, so a Redis outage reads as
 * one and not as an internal error.
 */
export async function consumeRates(rules: readonly RateRule[]): Promise<RateDecision[]> {
  try {
    return await authServices().limiter.consumeAll(rules);
  } catch (error) {
    throw new ApiError(503, "queue_unavailable", "errors.queueUnavailable", {}, { cause: error });
  }
}

/** Counts one request under a rate-limit key; see consumeRates for the errors. */
export async function consumeRate(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
  const [decision] = await consumeRates([{ key, limit, windowSeconds }]);
  return decision!;
}

/**
 * Counts one submission against the caller's per-account and per-IP rate limits in Redis.
 * Throws ApiError 429 with Retry-After when either is exceeded.
 */
export async function enforceSubmissionRate(request: Request, principal: Principal): Promise<void> {
  const { limits } = authServices();
  const account = principal.tokenId === undefined ? `user:${principal.userId || principal.username}` : `token:${principal.tokenId}`;
  const ip = clientIp(request);
  const rules = [
    { key: account, limit: limits.ratePerToken, windowSeconds: limits.rateWindowSeconds, scope: "auth.scopeToken" as const },
    { key: `ip:${ip}`, limit: limits.ratePerIp, windowSeconds: limits.rateWindowSeconds, scope: "auth.scopeIp" as const },
  ];
  const decisions = await consumeRates(rules);
  decisions.forEach((decision, index) => {
    const rule = rules[index]!;
    if (decision.allowed) return;
    const error = new LimitExceededError("rate_limited", `rate limit ${rule.key} exceeded`, rule.limit, rule.limit + 1, decision.retryAfterSeconds);
    const scope = translatorFor(localeOfRequest(request))(rule.scope);
    throw limitToApiError(error, { scope, window: limits.rateWindowSeconds });
  });
}

/** Checks a single sentence and its fill-mask options against the configured caps; throws ApiError 422. */
export async function enforceSentenceLimits(text: string, options: { topK?: number | undefined; targets?: readonly string[] | undefined }): Promise<void> {
  const { limits } = authServices();
  await asApiError(() => {
    checkSentence(text, limits);
    checkFillOptions(options, limits);
  });
}

/** Checks the fill-mask options of a corpus job (top-k, targets) against the configured caps; throws ApiError 422. */
export async function enforceFillOptions(options: { topK?: number | undefined; targets?: readonly string[] | undefined }): Promise<void> {
  const { limits } = authServices();
  await asApiError(() => checkFillOptions(options, limits));
}

/** Throws ApiError 503 "busy" with Retry-After when the interactive queue has more waiting jobs than MASKFILL_MAX_QUEUE_DEPTH. */
export async function enforceQueueDepth(waiting: () => Promise<number>): Promise<void> {
  const { limits } = authServices();
  let depth: number;
  try {
    // The queue connection retries forever while Redis is down, so the read gets a deadline.
    depth = await withTimeout(waiting(), QUEUE_DEPTH_TIMEOUT_MS, "Reading the interactive queue depth");
  } catch (error) {
    throw new ApiError(503, "queue_unavailable", "errors.queueUnavailable", {}, { cause: error });
  }
  await asApiError(() => checkQueueDepth(depth, limits));
}

/** Throws ApiError 429 when the caller already has MASKFILL_MAX_CONCURRENT_JOBS queued or running jobs. */
export async function enforceConcurrentJobs(prisma: PrismaClient, principal: Principal): Promise<void> {
  if (principal.userId === "") return;
  const { limits } = authServices();
  const active = await prisma.job.count({ where: { ownerId: principal.userId, source: "corpus", status: { in: ["queued", "running"] } } });
  await asApiError(() => checkConcurrentJobs(active, limits));
}
