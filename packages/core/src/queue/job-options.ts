import type { JobsOptions } from "bullmq";

/**
 * Retry policy of every job. Transient failures (Redis or Postgres briefly down, an inference
 * thread restart) are retried with exponential backoff: 1, 2, 4, 8, 16 and 32 s, so an outage of
 * about a minute is survived. Invalid payloads fail at once as UnrecoverableError.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 7,
  backoff: { type: "exponential", delay: 1_000 },
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
};
