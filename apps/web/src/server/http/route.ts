import { randomUUID } from "node:crypto";
import { ZodError } from "zod";
import { localeOfRequest } from "../../i18n/server.ts";
import { translatorFor } from "../../i18n/translate.ts";
import { describeIssue } from "../../lib/issues.ts";
import type { ApiErrorBody } from "../../lib/api-types.ts";
import { logger } from "../logger.ts";
import { ApiError } from "./api-error.ts";
import { classifyBackendError } from "./backend-errors.ts";
import { classifyProducerError } from "./producer-errors.ts";

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/** Builds a JSON response with `no-store`, because every API response reflects live state. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "cache-control": "no-store", ...headers } });
}

/** Converts a thrown value into the API's JSON error, translated for the request's language. */
export function errorResponse(request: Request, error: unknown): Response {
  const t = translatorFor(localeOfRequest(request));
  if (error instanceof ZodError) {
    const first = error.issues[0];
    const described = first === undefined ? { field: "body", message: t("validation.invalid", { field: "body" }) } : describeIssue(first, t);
    const body: ApiErrorBody = { error: { code: "invalid_request", message: described.message, field: described.field, retryable: false } };
    return json(body, 400);
  }
  const apiError = error instanceof ApiError ? error : (classifyProducerError(error) ?? classifyBackendError(error));
  if (apiError !== undefined) {
    if (apiError.status >= 500) logger.warn({ err: error, code: apiError.code, url: request.url }, "Request failed because a backend is unavailable");
    const body: ApiErrorBody = {
      error: {
        code: apiError.code,
        message: apiError.translate(t),
        ...(apiError.options.field === undefined ? {} : { field: apiError.options.field }),
        retryable: apiError.retryable,
      },
    };
    const retryAfter = apiError.options.retryAfterSeconds ?? (apiError.status === 503 ? 5 : undefined);
    const headers: Record<string, string> = { ...apiError.options.headers };
    if (retryAfter !== undefined) headers["retry-after"] = String(retryAfter);
    // A 413 leaves the rest of the body unread on the socket, so the client must not reuse the
    // connection: without this, its next request on that socket fails with ECONNRESET.
    if (apiError.status === 413) headers["connection"] = "close";
    return json(body, apiError.status, headers);
  }
  const requestId = randomUUID();
  logger.error({ err: error, requestId, method: request.method, url: request.url }, "Unhandled error in a route handler");
  const body: ApiErrorBody = { error: { code: "internal", message: t("errors.internal", { requestId }), retryable: true } };
  return json(body, 500);
}

/** Wraps a route handler so every thrown error becomes a JSON error response. */
export function route<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      return errorResponse(request, error);
    }
  };
}

/**
 * Builds a handler that returns 405 with the JSON error shape and an `Allow` header, for a method
 * that a route does not serve. `allowed` is the message's list of served methods, and `allowHeader`
 * the header's full list (default: `allowed`). Next.js would otherwise return 405 with an empty body.
 */
export function methodNotAllowed(allowed: string, allowHeader = allowed): (request: Request) => Promise<Response> {
  const handler = route<undefined>(async (request) => {
    throw new ApiError(405, "method_not_allowed", "errors.methodNotAllowed", { method: request.method, allowed }, { retryable: false, headers: { allow: allowHeader } });
  });
  return (request) => handler(request, undefined);
}

/** Methods a route module can export besides OPTIONS, in the order the `Allow` header lists them. */
export const ROUTE_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

/** Methods a route serving `M` leaves to otherMethods. Next.js derives HEAD from GET, so a GET route keeps it. */
export type UnservedMethod<M extends RouteMethod> = Exclude<RouteMethod, M | (M extends "GET" ? "HEAD" : never)> | "OPTIONS";

/**
 * Builds the handlers of every method that a route module does not serve, given its served
 * handlers: 405 `method_not_allowed` with an `Allow` header for each, and 204 with `Allow` for
 * OPTIONS. A route file ends with, for example,
 * `export const { HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });`.
 * Destructuring a served method is a type error, and a missing export falls back to Next.js's
 * empty 405, which the route method test catches.
 */
export function otherMethods<M extends RouteMethod>(served: Record<M, unknown>): Record<UnservedMethod<M>, (request: Request) => Promise<Response>> {
  const servedMethods = ROUTE_METHODS.filter((method) => method in served);
  const allowList: string[] = [...ROUTE_METHODS.filter((method) => method in served || (method === "HEAD" && "GET" in served)), "OPTIONS"];
  const allowHeader = allowList.join(", ");
  const rejection = methodNotAllowed(servedMethods.join(", "), allowHeader);
  const handlers: Partial<Record<RouteMethod | "OPTIONS", (request: Request) => Promise<Response>>> = {
    OPTIONS: async () => new Response(null, { status: 204, headers: { allow: allowHeader, "cache-control": "no-store" } }),
  };
  for (const method of ROUTE_METHODS) {
    if (!allowList.includes(method)) handlers[method] = rejection;
  }
  return handlers as Record<UnservedMethod<M>, (request: Request) => Promise<Response>>;
}
