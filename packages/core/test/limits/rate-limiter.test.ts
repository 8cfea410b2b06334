import { randomBytes } from "node:crypto";

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { LimitExceededError, RedisRateLimiter } from "../../src/limits/index.ts";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `maskfill-test-${randomBytes(6).toString("hex")}:ratelimit`;
let redis: Redis;
let other: Redis;

beforeAll(() => {
  redis = new Redis(REDIS_URL);
  other = new Redis(REDIS_URL);
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  other.disconnect();
});

describe("RedisRateLimiter", () => {
  it("allows the limit, then rejects with Retry-After", async () => {
    const limiter = new RedisRateLimiter(redis, prefix);
    const decisions = [];
    for (let i = 0; i < 6; i += 1) decisions.push(await limiter.consume("burst", 5, 60));
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, true, true, false]);
    expect(decisions.map((decision) => decision.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
    // One slot frees every 60 / 5 = 12 seconds.
    expect(decisions[5]?.retryAfterSeconds).toBeGreaterThanOrEqual(11);
    expect(decisions[5]?.retryAfterSeconds).toBeLessThanOrEqual(12);
  });

  it("shares counters between clients", async () => {
    const first = new RedisRateLimiter(redis, prefix);
    const second = new RedisRateLimiter(other, prefix);
    expect((await first.consume("shared", 2, 60)).allowed).toBe(true);
    expect((await second.consume("shared", 2, 60)).allowed).toBe(true);
    expect((await first.consume("shared", 2, 60)).allowed).toBe(false);
    expect((await second.consume("shared", 2, 60)).allowed).toBe(false);
  });

  it("keeps keys independent", async () => {
    const limiter = new RedisRateLimiter(redis, prefix);
    expect((await limiter.consume("a", 1, 60)).allowed).toBe(true);
    expect((await limiter.consume("a", 1, 60)).allowed).toBe(false);
    expect((await limiter.consume("b", 1, 60)).allowed).toBe(true);
  });

  it("frees slots as time passes", async () => {
    const limiter = new RedisRateLimiter(redis, prefix);
    // Two requests per 0.2 s: after the burst the next slot opens within about 0.1 s.
    expect((await limiter.consume("refill", 2, 0.2)).allowed).toBe(true);
    expect((await limiter.consume("refill", 2, 0.2)).allowed).toBe(true);
    expect((await limiter.consume("refill", 2, 0.2)).allowed).toBe(false);
    const deadline = Date.now() + 5_000;
    let allowed = false;
    while (!allowed && Date.now() < deadline) {
      allowed = (await limiter.consume("refill", 2, 0.2)).allowed;
    }
    expect(allowed).toBe(true);
  });

  it("checks several rules in one call and stops at the first rejection", async () => {
    const limiter = new RedisRateLimiter(redis, prefix);
    const rules = [
      { key: "multi:account", limit: 2, windowSeconds: 60 },
      { key: "multi:ip", limit: 1, windowSeconds: 60 },
    ];
    expect((await limiter.consumeAll(rules)).map((decision) => [decision.allowed, decision.remaining])).toEqual([
      [true, 1],
      [true, 0],
    ]);
    // The IP rule rejects, after the account rule counted the request.
    const second = await limiter.consumeAll(rules);
    expect(second.map((decision) => [decision.allowed, decision.remaining])).toEqual([
      [true, 0],
      [false, 0],
    ]);
    expect(second[1]?.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(second[1]?.retryAfterSeconds).toBeLessThanOrEqual(60);

    // A first rule that rejects leaves the later ones uncounted.
    const reversed = await limiter.consumeAll([rules[0]!, { key: "multi:fresh", limit: 1, windowSeconds: 60 }]);
    expect(reversed.map((decision) => decision.allowed)).toEqual([false]);
    expect((await limiter.consume("multi:fresh", 1, 60)).allowed).toBe(true);
  });

  it("loads its script again after Redis forgot it", async () => {
    const limiter = new RedisRateLimiter(redis, prefix);
    expect((await limiter.consume("flushed", 2, 60)).allowed).toBe(true);
    await redis.script("FLUSH");
    expect((await limiter.consume("flushed", 2, 60)).remaining).toBe(0);
  });

  it("rejects invalid rules naming the value", async () => {
    const limiter = new RedisRateLimiter(redis, prefix);
    await expect(limiter.consumeAll([])).rejects.toThrow("rules must contain at least one rule");
    await expect(limiter.consumeAll([{ key: "bad", limit: 0, windowSeconds: 60 }])).rejects.toThrow("limit must be a whole number of at least 1 (got 0)");
    await expect(limiter.consumeAll([{ key: "bad", limit: 1, windowSeconds: 0 }])).rejects.toThrow("windowSeconds must be greater than 0 (got 0)");
  });

  it("sets an expiry on every key", async () => {
    const limiter = new RedisRateLimiter(redis, prefix);
    await limiter.consume("ttl", 10, 60);
    const ttl = await redis.pttl(`${prefix}:ttl`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(6_001);
  });

  it("enforce throws rate_limited naming the rule", async () => {
    const limiter = new RedisRateLimiter(redis, prefix);
    const rules = [{ key: "token:t1", limit: 1, windowSeconds: 60, label: "for this API token" }];
    await limiter.enforce(rules);
    const error = await limiter.enforce(rules).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(LimitExceededError);
    const limitError = error as LimitExceededError;
    expect(limitError.code).toBe("rate_limited");
    expect(limitError.status).toBe(429);
    expect(limitError.retryable).toBe(true);
    expect(limitError.retryAfterSeconds).toBe(60);
    expect(limitError.message).toBe("too many requests for this API token: the limit is 1 per 60 s; retry after 60 s");
  });

  it("rejects invalid arguments", async () => {
    const limiter = new RedisRateLimiter(redis, prefix);
    await expect(limiter.consume("x", 0, 60)).rejects.toThrow("limit must be a whole number of at least 1 (got 0)");
    await expect(limiter.consume("x", 1, -1)).rejects.toThrow("windowSeconds must be greater than 0 (got -1)");
    expect(() => new RedisRateLimiter(redis, "")).toThrow("keyPrefix must not be empty");
  });
});
