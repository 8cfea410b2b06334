import { createHash } from "node:crypto";

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

// Generic cell rate algorithm (GCRA): each key stores the theoretical arrival time (TAT) in
// microseconds of Redis server time. Each request moves the TAT forward by window/limit, and a
// request is rejected while the TAT would be more than one window ahead of now. This allows
// `limit` requests in any window of `windowMs` and smooths bursts, with one key per client.
// Redis TIME is used instead of the caller's clock, so several web instances agree.
// The script checks its keys in order (ARGV contains a limit and a window in ms per key), counts
// each allowed request and stops at the first rejection. It returns, per checked key,
// allowed (1 or 0), remaining requests and the milliseconds until a retry helps.
const GCRA_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local reply = {}
for i, key in ipairs(KEYS) do
  local limit = tonumber(ARGV[2 * i - 1])
  local window = tonumber(ARGV[2 * i]) * 1000
  local interval = window / limit
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  local newTat = tat + interval
  local allowAt = newTat - window
  if now < allowAt then
    table.insert(reply, {0, 0, math.ceil((allowAt - now) / 1000)})
    return reply
  end
  redis.call('SET', key, string.format('%.0f', newTat), 'PX', math.ceil((newTat - now) / 1000) + 1)
  table.insert(reply, {1, math.floor((window - (newTat - now)) / interval), 0})
end
return reply
`;
const GCRA_SHA1 = createHash("sha1").update(GCRA_SCRIPT).digest("hex");

/** One rate-limit rule: at most `limit` requests under `key` per `windowSeconds`. */
export interface RateRule {
  key: string;
  limit: number;
  windowSeconds: number;
}

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
    const [decision] = await this.consumeAll([{ key, limit, windowSeconds }]);
    return decision!;
  }

  /**
   * Counts one request under each rule in a single Redis call and returns the decisions in rule
   * order. Checking stops at the first rejected rule, so the list ends with it and the later
   * rules are not counted; earlier rules keep their count.
   */
  async consumeAll(rules: readonly RateRule[]): Promise<RateDecision[]> {
    if (rules.length === 0) throw new RangeError("rules must contain at least one rule");
    for (const rule of rules) {
      if (!Number.isInteger(rule.limit) || rule.limit < 1) throw new RangeError(`limit must be a whole number of at least 1 (got ${rule.limit})`);
      if (!Number.isFinite(rule.windowSeconds) || rule.windowSeconds <= 0) throw new RangeError(`windowSeconds must be greater than 0 (got ${rule.windowSeconds})`);
    }
    const keys = rules.map((rule) => `${this.keyPrefix}:${rule.key}`);
    const args = rules.flatMap((rule) => [rule.limit, rule.windowSeconds * 1000]);
    const reply = (await this.runScript(keys, args)) as [number, number, number][];
    return reply.map(([allowed, remaining, retryAfterMs]) => ({
      allowed: allowed === 1,
      remaining,
      retryAfterSeconds: allowed === 1 ? 0 : Math.max(1, Math.ceil(retryAfterMs / 1000)),
    }));
  }

  /** Runs the script by its SHA1, loading it with EVAL when this Redis server has not cached it yet. */
  private async runScript(keys: string[], args: number[]): Promise<unknown> {
    try {
      return await this.redis.evalsha(GCRA_SHA1, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return this.redis.eval(GCRA_SCRIPT, keys.length, ...keys, ...args);
    }
  }

  /**
   * Counts one request under each rule and throws LimitExceededError(rate_limited) with the
   * Retry-After of the first rule that rejects it. Rules are checked in order; a rule after a
   * rejecting one is not counted.
   */
  async enforce(rules: { key: string; limit: number; windowSeconds: number; label: string }[]): Promise<void> {
    const decisions = await this.consumeAll(rules);
    decisions.forEach((decision, index) => {
      const rule = rules[index]!;
      if (!decision.allowed) {
        throw new LimitExceededError(
          "rate_limited",
          `too many requests ${rule.label}: the limit is ${rule.limit} per ${rule.windowSeconds} s; retry after ${decision.retryAfterSeconds} s`,
          rule.limit,
          rule.limit + 1,
          decision.retryAfterSeconds,
        );
      }
    });
  }
}
