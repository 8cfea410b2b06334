import { Redis } from "ioredis";
import { AuthStore, readAuthMode, type AuthMode } from "@maskfill/core/auth";
import { loadLimits, RedisRateLimiter, type LimitsConfig } from "@maskfill/core/limits";
import { services } from "../services.ts";
import { logger } from "../logger.ts";

/** Access-control and limit services shared by the route handlers of this process. */
export interface AuthServices {
  mode: AuthMode;
  store: AuthStore;
  limiter: RedisRateLimiter;
  limits: LimitsConfig;
  /** Whether cookies get the Secure attribute (MASKFILL_COOKIE_SECURE, default true). */
  secureCookies: boolean;
}

const holder = globalThis as typeof globalThis & { maskfillAuthServices?: AuthServices };

/** Reads MASKFILL_COOKIE_SECURE: "true" (default) or "false" for plain-http deployments other than localhost. */
function readSecureCookies(value: string | undefined): boolean {
  const normalized = value?.trim().toLowerCase() ?? "";
  if (normalized === "" || normalized === "true" || normalized === "1") return true;
  if (normalized === "false" || normalized === "0") return false;
  throw new Error(`MASKFILL_COOKIE_SECURE must be true or false (got ${JSON.stringify(value)})`);
}

/**
 * Returns the process-wide auth services, created on first use from the environment
 * (MASKFILL_AUTH, MASKFILL_COOKIE_SECURE and the limit variables). Throws when a variable is invalid.
 */
export function authServices(): AuthServices {
  if (holder.maskfillAuthServices !== undefined) return holder.maskfillAuthServices;
  const { prisma, config, env } = services();
  const mode = readAuthMode();
  const limits = loadLimits();
  // A connection of its own that fails fast, so a Redis outage turns into a 503 instead of a
  // request that waits forever (the shared connection retries without limit for BullMQ).
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on("error", (error) => logger.warn({ err: error }, "Redis connection of the rate limiter failed; retrying"));
  holder.maskfillAuthServices = {
    mode,
    store: new AuthStore(prisma, { tokenCacheMs: env.tokenCacheMs }),
    limiter: new RedisRateLimiter(redis, `${config.queuePrefix}:ratelimit`),
    limits,
    secureCookies: readSecureCookies(process.env.MASKFILL_COOKIE_SECURE),
  };
  if (mode === "off") logger.warn({ authMode: mode }, "Access control is off (MASKFILL_AUTH=off): every request acts as an admin");
  return holder.maskfillAuthServices;
}
