import type { ApiErrorBody } from "./api-types.ts";

/** API error as the browser receives it: the server's localized message and the offending field. */
export class ApiClientError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    readonly field: string | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "ApiClientError";
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== "object" || value === null) return false;
  const error = (value as { error?: unknown }).error;
  return typeof error === "object" && error !== null && typeof (error as { message?: unknown }).message === "string";
}

/**
 * Sends a request and parses the JSON response. Throws ApiClientError with the server's message on
 * an error status, and with code "network" when the server cannot be reached.
 */
export async function fetchJson<T>(url: string, init: RequestInit = {}, networkMessage = "network error"): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      headers: { accept: "application/json", ...(init.body !== undefined && typeof init.body === "string" ? { "content-type": "application/json" } : {}), ...init.headers },
    });
  } catch {
    throw new ApiClientError(networkMessage, "network", 0, undefined, true);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    if (isErrorBody(body)) {
      const { message, code, field, retryable } = body.error;
      throw new ApiClientError(message, code, response.status, field, retryable);
    }
    throw new ApiClientError(`HTTP ${response.status}`, "http", response.status, undefined, response.status >= 500);
  }
  return body as T;
}
