import { pino, type Logger } from "pino";

export type { Logger } from "pino";

/**
 * Creates the pino logger of one component (JSON lines on stdout). Log a sentence plus an object
 * of ids; connection URLs are redacted if they are ever passed under the usual keys.
 */
export function createLogger(component: string, level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    name: component,
    level,
    redact: { paths: ["databaseUrl", "redisUrl", "*.databaseUrl", "*.redisUrl", "password", "*.password"], censor: "***" },
  });
}
