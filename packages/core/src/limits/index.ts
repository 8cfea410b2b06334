/** Abuse limits (`@maskfill/core/limits`): configuration, request checks and the Redis rate limiter. */
export { checkConcurrentJobs, checkCorpusRows, checkFillOptions, checkQueueDepth, checkSentence, checkUploadSize } from "./check-request.ts";
export { LimitExceededError, type LimitCode } from "./limit-error.ts";
export { limitsEnvSchema, loadLimits, type LimitsConfig } from "./limits-config.ts";
export { RedisRateLimiter, type RateDecision, type RateRule } from "./rate-limiter.ts";
