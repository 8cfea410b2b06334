import { ANONYMOUS_ADMIN, hasRole, type Principal, type Role } from "@maskfill/core/auth";
import { ApiError } from "../http/api-error.ts";
import { authServices } from "./auth-services.ts";
import { readSessionCookie } from "./session-cookie.ts";
import { assertSameOrigin } from "./same-origin.ts";

/**
 * Returns the caller of a request from its bearer API token or its session cookie, or null when
 * it has neither or they are invalid. With MASKFILL_AUTH=off every request is ANONYMOUS_ADMIN.
 */
export async function authenticate(request: Request): Promise<Principal | null> {
  const { mode, store } = authServices();
  if (mode === "off") return ANONYMOUS_ADMIN;
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    // A present but invalid token is an error even when a cookie is also sent, so a script with
    // a revoked token fails loudly instead of falling back to someone's browser session.
    return match?.[1] === undefined ? null : store.resolveApiToken(match[1]);
  }
  const session = readSessionCookie(request);
  return session === undefined ? null : store.resolveSession(session);
}

/**
 * Authenticates a request and checks that its caller has at least `role`; call it first in
 * every route handler. Also rejects cross-site state-changing requests. Throws ApiError 401
 * without valid credentials (`invalid_token` when an Authorization header was sent, because
 * then the token is at fault even when a session cookie is valid) and 403 for a lower role or
 * a cross-site request.
 */
export async function requireRole(request: Request, role: Role): Promise<Principal> {
  assertSameOrigin(request);
  const principal = await authenticate(request);
  if (principal === null && request.headers.has("authorization")) {
    throw new ApiError(401, "invalid_token", "auth.invalidToken", {}, { field: "authorization", retryable: false });
  }
  if (principal === null) throw new ApiError(401, "unauthenticated", "auth.unauthenticated", {}, { retryable: false });
  if (!hasRole(principal.role, role)) {
    throw new ApiError(403, "forbidden", "auth.forbidden", { role: principal.role, required: role }, { retryable: false });
  }
  return principal;
}
