import { json, otherMethods, route } from "../../../server/http/route.ts";
import { services } from "../../../server/services.ts";
import { withTimeout } from "../../../server/with-timeout.ts";
import { CheckLog } from "../../../server/check-log.ts";
import { logger } from "../../../server/logger.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const CHECK_TIMEOUT_MS = 2000;

interface Check {
  ok: boolean;
  error?: string;
}

const checkLog = new CheckLog(logger);

/** Runs one check with a timeout and turns a failure into `{ ok: false, error }`. */
async function check(name: string, run: () => Promise<void>): Promise<Check> {
  try {
    await withTimeout(run(), CHECK_TIMEOUT_MS, name);
    checkLog.record(name, undefined);
    return { ok: true };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    checkLog.record(name, message);
    return { ok: false, error: message };
  }
}

/**
 * GET /api/health: checks Redis (PING), Postgres (SELECT 1) and that at least one worker is ready.
 * Returns 200 when all pass and 503 otherwise, with each check's result.
 */
export const GET = route(async () => {
  const { redis, prisma, producer } = services();
  let ready = 0;
  let total = 0;
  const [redisCheck, postgresCheck, workerCheck] = await Promise.all([
    check("redis", async () => {
      await redis.ping();
    }),
    check("postgres", async () => {
      await prisma.$queryRaw`SELECT 1`;
    }),
    check("worker", async () => {
      const workers = await producer.listWorkers();
      total = workers.length;
      ready = workers.filter((worker) => worker.status === "ready").length;
      if (ready === 0) throw new Error(`no worker is ready (${total} running); start one with \`npm run worker\``);
    }),
  ]);
  const ok = redisCheck.ok && postgresCheck.ok && workerCheck.ok;
  return json({ status: ok ? "ok" : "unavailable", checks: { redis: redisCheck, postgres: postgresCheck, worker: { ...workerCheck, ready, total } } }, ok ? 200 : 503);
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
