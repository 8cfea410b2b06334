import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/env.ts";

describe("loadConfig", () => {
  it("applies every default to an empty environment", () => {
    expect(loadConfig({})).toEqual({
      redisUrl: "redis://127.0.0.1:6379",
      databaseUrl: "postgresql://postgres@127.0.0.1:5432/maskfill",
      modelDir: "",
      modelVariant: undefined,
      executionProvider: "cpu",
      concurrency: 4,
      interactiveConcurrency: 64,
      tokenBudget: 2048,
      batchWaitMs: 5,
      batchesInFlight: 1,
      bulkBatchFactor: 2,
      chunkSize: 256,
      queuePrefix: "maskfill",
      intraOpThreads: 0,
      threadSpinning: false,
      lockDurationMs: 30_000,
      shutdownGraceMs: 25_000,
      workerId: "",
      logLevel: "info",
    });
  });

  it("reads and converts set variables", () => {
    const config = loadConfig({
      REDIS_URL: "redis://cache:6380/2",
      MASKFILL_EXECUTION_PROVIDER: "cuda",
      MASKFILL_TOKEN_BUDGET: "4096",
      MASKFILL_BATCH_WAIT_MS: "0",
      MASKFILL_QUEUE_PREFIX: "test-1",
      MASKFILL_MODEL_VARIANT: "quantized",
      MASKFILL_THREAD_SPINNING: "off",
    });
    expect(config.redisUrl).toBe("redis://cache:6380/2");
    expect(config.executionProvider).toBe("cuda");
    expect(config.tokenBudget).toBe(4096);
    expect(config.batchWaitMs).toBe(0);
    expect(config.queuePrefix).toBe("test-1");
    expect(config.modelVariant).toBe("quantized");
    expect(config.threadSpinning).toBe(false);
  });

  it("treats empty values as unset", () => {
    expect(loadConfig({ REDIS_URL: "", MASKFILL_CONCURRENCY: "" }).concurrency).toBe(4);
  });

  it.each([
    ["REDIS_URL", "localhost:6379", "REDIS_URL must be a URL starting with redis:// or rediss://"],
    ["MASKFILL_CONCURRENCY", "0", "MASKFILL_CONCURRENCY must be greater than 0"],
    ["MASKFILL_CONCURRENCY", "two", "MASKFILL_CONCURRENCY must be a number"],
    ["MASKFILL_TOKEN_BUDGET", "1.5", "MASKFILL_TOKEN_BUDGET must be a whole number"],
    ["MASKFILL_BATCH_WAIT_MS", "-1", "MASKFILL_BATCH_WAIT_MS must be 0 or more"],
    ["MASKFILL_EXECUTION_PROVIDER", "tpu", "MASKFILL_EXECUTION_PROVIDER must be cpu or cuda"],
    ["MASKFILL_QUEUE_PREFIX", "a:b", "MASKFILL_QUEUE_PREFIX must be 1-64 letters, digits, '_', '.' or '-'"],
    ["MASKFILL_CHUNK_SIZE", "20000", "MASKFILL_CHUNK_SIZE must be at most 10000"],
    ["MASKFILL_BATCHES_IN_FLIGHT", "9", "MASKFILL_BATCHES_IN_FLIGHT must be at most 8"],
    ["MASKFILL_THREAD_SPINNING", "yes", "MASKFILL_THREAD_SPINNING must be on or off"],
  ])("rejects %s=%s", (key, value, message) => {
    expect(() => loadConfig({ [key]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [key]: value })).toThrow(`- ${message} (got ${JSON.stringify(value)})`);
  });

  it("lists every invalid variable at once", () => {
    expect(() => loadConfig({ MASKFILL_CONCURRENCY: "0", LOG_LEVEL: "loud" })).toThrow(
      'Invalid environment variables:\n- MASKFILL_CONCURRENCY must be greater than 0 (got "0")\n- LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent (got "loud")',
    );
  });

  it("hides the password of an invalid database URL", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://admin:hunter2@db/app" })).toThrow('(got "mysql://admin:***@db/app")');
  });
});
