import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { createPrismaClient, type PrismaClient } from "@maskfill/core/db";
import { CORPUS_QUEUE, INTERACTIVE_QUEUE, MaskfillProducer, loadConfig, type MaskfillConfig } from "@maskfill/core/queue";
import { webEnv, type WebEnv } from "../env.ts";
import { logger } from "./logger.ts";

/** Connections shared by every route handler of this process. */
export interface Services {
  config: MaskfillConfig;
  env: WebEnv;
  prisma: PrismaClient;
  producer: MaskfillProducer;
  /** Read-only handles on the BullMQ queues, for queue depth in /api/metrics and /api/health. */
  queues: { interactive: Queue; corpus: Queue };
  redis: Redis;
}

// Kept on globalThis so that `next dev` hot reloads reuse the connections instead of leaking them.
const holder = globalThis as typeof globalThis & { maskfillServices?: Services };

/**
 * Returns the process-wide services, connecting on first use (never at import, so `next build`
 * needs neither Redis nor Postgres). Throws the configuration error when the environment is invalid.
 */
export function services(): Services {
  if (holder.maskfillServices !== undefined) return holder.maskfillServices;
  const config = loadConfig();
  const env = webEnv();
  const prisma = createPrismaClient(config.databaseUrl, { maxConnections: 10 });
  const producer = MaskfillProducer.connect(
    { redisUrl: config.redisUrl, databaseUrl: config.databaseUrl, queuePrefix: config.queuePrefix, chunkSize: config.chunkSize },
    { prisma },
  );
  // BullMQ requires maxRetriesPerRequest null on connections it uses, so callers that must not
  // hang while Redis is down (health, metrics) wrap their reads in withTimeout().
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  redis.on("error", (error) => logger.warn({ err: error }, "Redis connection of the web app failed; retrying"));
  const queues = {
    interactive: new Queue(INTERACTIVE_QUEUE, { connection: redis, prefix: config.queuePrefix }),
    corpus: new Queue(CORPUS_QUEUE, { connection: redis, prefix: config.queuePrefix }),
  };
  holder.maskfillServices = { config, env, prisma, producer, queues, redis };
  logger.info({ queuePrefix: config.queuePrefix }, "Web app connected its queue producer and database client");
  return holder.maskfillServices;
}
