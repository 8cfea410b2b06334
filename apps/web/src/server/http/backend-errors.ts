import { ApiError } from "./api-error.ts";

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "EAI_AGAIN"]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Maps a connection failure of Redis or Postgres to a 503 ApiError whose message names the
 * service to check; returns undefined for anything else.
 */
export function classifyBackendError(error: unknown): ApiError | undefined {
  const chain: unknown[] = [];
  for (let current: unknown = error; current !== undefined && chain.length < 5; current = (current as { cause?: unknown })?.cause) {
    chain.push(current);
  }
  for (const link of chain) {
    const code = errorCode(link);
    const message = link instanceof Error ? link.message : "";
    const name = link instanceof Error ? link.name : "";
    const isConnection = (code !== undefined && CONNECTION_CODES.has(code)) || /connect|connection/i.test(message);
    if (!isConnection) continue;
    if (/redis|6379/i.test(`${name} ${message}`)) return new ApiError(503, "queue_unavailable", "errors.queueUnavailable", {}, { cause: error });
    if (/prisma|postgres|5432|database/i.test(`${name} ${message}`) || code?.startsWith("P1") === true) {
      return new ApiError(503, "database_unavailable", "errors.databaseUnavailable", {}, { cause: error });
    }
  }
  return undefined;
}
