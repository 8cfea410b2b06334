import type { Redis } from "ioredis";

import { LimitExceededError } from "./limit-error.ts";

/** Outcome of one rate-limit check. */
export interface RateDecision {
  allowed: boolean;
  /** Requests still allowed right now under this key. */
  remaining: number;
  /** Whole seconds until the next request is allowed; 0 when allowed. */
  retryAfterSeconds: number;
}

// Generic cell rate algorithm (GCRA): the key stores the theoretical arrival time (TAT) in
// microseconds of Redis server time. Each request moves the TAT forward by window/limit, and a
// request is rejected while the TAT would be more than one window ahead of now. This allows
// `limit` requests in any window of `windowMs` and smooths bursts, with one key per client.
// Redis TIME is used instead of the caller's clock, so several web instances agree.
const GCRA_SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2]) * 1000
local interval = window / limit
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local newTat = tat + interval
local allowAt = newTat - window
if now < allowAt then
  return {0, 0, math.ceil((allowAt - now) / 1000)}
end
redis.call('SET', KEYS[1], string.format('%.0f', newTat), 'PX', math.ceil((newTat - now) / 1000) + 1)
return {1, math.floor((window - (newTat - now)) / interval), 0}
`;

/**
 * Rate limiter whose counters live in Redis, so the limit applies across several web instances.
 * Each key allows `limit` requests per `windowSeconds`, spread evenly (GCRA).
 */
export class RedisRateLimiter {
  constructor(
    private readonly redis: Redis,
    /** Prefix of every Redis key, e.g. "maskfill:ratelimit". */
    private readonly keyPrefix: string,
  ) {
    if (keyPrefix.length === 0) throw new RangeError("keyPrefix must not be empty");
  }

  /** Counts one request under `key` and returns whether it is allowed; a rejected request is not counted. */
  async consume(key: string, limit: number, windowSeconds: number): Promise<RateDecision> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number of at least 1 (got ${limit})`);
    if (!Number.isFinite(windowSeconds) || windowSeconds <= 0) throw new RangeError(`windowSeconds must be greater than 0 (got ${windowSeconds})`);
    const reply = (await this.redis.eval(GCRA_SCRIPT, 1, `${this.keyPrefix}:${key}`, limit, windowSeconds * 1000)) as [number, number, number];
    const [allowed, remaining, retryAfterMs] = reply;
    return { allowed: allowed === 1, remaining, retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(retryAfterMs / 1000)) };
  }

  /**
   * Counts one request under each rule and throws LimitExceededError(rate_limited) with the
   * longest Retry-After when any rule rejects it. Rules are checked in order; a rule after a
   * rejecting one is not counted.
   */
  async enforce(rules: { key: string; limit: number; windowSeconds: number; label: string }[]): Promise<void> {
    for (const rule of rules) {
      const decision = await this.consume(rule.key, rule.limit, rule.windowSeconds);
      if (!decision.allowed) {
        throw new LimitExceededError(
          "rate_limited",
          `too many requests ${rule.label}: the limit is ${rule.limit} per ${rule.windowSeconds} s; retry after ${decision.retryAfterSeconds} s`,
          rule.limit,
          rule.limit + 1,
          decision.retryAfterSeconds,
        );
      }
    }
  }
}
