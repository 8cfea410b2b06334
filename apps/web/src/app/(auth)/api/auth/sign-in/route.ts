import { signInSchema } from "@maskfill/core/auth";
import { readJson } from "../../../../../server/http/read-body.ts";
import { json, route, methodNotAllowed } from "../../../../../server/http/route.ts";
import { assertSameOrigin, authServices, clientIp, consumeRate, limitToApiError, sessionCookie, withAuthErrors } from "../../../../../server/auth/index.ts";
import { LimitExceededError } from "@maskfill/core/limits";
import { logger } from "../../../../../server/logger.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

// Sign-in attempts per client IP per minute, to slow down password guessing.
const SIGN_IN_ATTEMPTS_PER_MINUTE = 10;

/** POST /api/auth/sign-in {username, password}: starts a session and sets its http-only cookie. */
export const POST = route(async (request) => {
  assertSameOrigin(request);
  const { store, secureCookies } = authServices();
  const ip = clientIp(request);
  const decision = await consumeRate(`sign-in:${ip}`, SIGN_IN_ATTEMPTS_PER_MINUTE, 60);
  if (!decision.allowed) {
    const error = new LimitExceededError("rate_limited", "too many sign-in attempts", SIGN_IN_ATTEMPTS_PER_MINUTE, SIGN_IN_ATTEMPTS_PER_MINUTE + 1, decision.retryAfterSeconds);
    throw limitToApiError(error, { scope: ip, window: 60 });
  }
  const body = await readJson(request, signInSchema);
  try {
    const { sessionToken, expiresAt, principal } = await withAuthErrors(() => store.signIn(body));
    logger.info({ userId: principal.userId, ip }, "User signed in");
    return json({ user: { username: principal.username, role: principal.role } }, 200, { "set-cookie": sessionCookie(sessionToken, expiresAt, secureCookies) });
  } catch (error) {
    logger.warn({ username: body.username, ip }, "Sign-in failed");
    throw error;
  }
});

/** Any other method gets 405 with a JSON error body. */
export const GET = methodNotAllowed("POST");
