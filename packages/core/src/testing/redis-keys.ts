import { Redis } from "ioredis";

/** Redis that tests and benchmarks use unless they pass another URL. */
const DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379";

/** Deletes every Redis key under a queue prefix (queues, worker states, control and rate-limit keys). */
export async function deleteRedisKeys(prefix: string, redisUrl = DEFAULT_TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    await redis.quit();
  }
}
