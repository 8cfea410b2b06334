import type { Logger } from "pino";
import { HubRequestError } from "./errors.ts";

/** How often and how patiently to repeat a Hub request. */
export interface RetryPolicy {
  /** Extra attempts after the first one. */
  retries: number;
  /** Wait before the first retry in milliseconds, doubled for each further retry. */
  retryDelayMs: number;
  logger?: Logger;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Runs `attempt` until it succeeds, retrying only a HubRequestError marked retryable (network
 * errors, 429, 5xx) with exponential backoff. `context` (ids such as the file path) goes into the
 * warning logged per retry.
 */
export async function withRetries<T>(policy: RetryPolicy, context: Record<string, unknown>, attempt: () => Promise<T>): Promise<T> {
  for (let index = 0; ; index += 1) {
    try {
      return await attempt();
    } catch (error) {
      const retryable = error instanceof HubRequestError && error.retryable;
      if (!retryable || index >= policy.retries) {
        throw error;
      }
      const delayMs = policy.retryDelayMs * 2 ** index;
      policy.logger?.warn({ ...context, attempt: index + 1, delayMs, err: error }, "Hub request failed, retrying");
      await sleep(delayMs);
    }
  }
}
