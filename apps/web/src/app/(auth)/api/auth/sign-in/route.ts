import { signInSchema } from "@maskfill/core/auth";
import { readJson } from "../../../../../server/http/read-body.ts";
import { json, otherMethods, route } from "../../../../../server/http/route.ts";
import { assertSameOrigin, authServices, clientIp, consumeRates, limitToApiError, sessionCookie, withAuthErrors } from "../../../../../server/auth/index.ts";
import { LimitExceededError } from "@maskfill/core/limits";
import { localeOfRequest } from "../../../../../i18n/server.ts";
import { translatorFor } from "../../../../../i18n/translate.ts";
import { logger } from "../../../../../server/logger.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Sign-in attempts allowed per client IP and per user name, in each window, to slow down
 * password guessing. The per-IP limit alone can be dodged when no reverse proxy sets
 * X-Forwarded-For (see clientIp), so every user name also has its own limit: after a burst of
 * 10, one attempt per minute. Someone who guesses one user's password thereby also delays that
 * user's own sign-in while the guessing goes on.
 */
const SIGN_IN_RULES = [
  { name: "ip", limit: 10, windowSeconds: 60, scope: "auth.scopeIp" },
  { name: "username", limit: 10, windowSeconds: 600, scope: "auth.scopeUsername" },
] as const;

/** POST /api/auth/sign-in {username, password}: starts a session and sets its http-only cookie. */
export const POST = route(async (request) => {
  assertSameOrigin(request);
  const { store, secureCookies } = authServices();
  const ip = clientIp(request);
  const body = await readJson(request, signInSchema);
  await enforceSignInRate(request, ip, body.username);
  try {
    const { sessionToken, expiresAt, principal } = await withAuthErrors(() => store.signIn(body));
    logger.info({ userId: principal.userId, ip }, "User signed in");
    return json({ user: { username: principal.username, role: principal.role } }, 200, { "set-cookie": sessionCookie(sessionToken, expiresAt, secureCookies) });
  } catch (error) {
    logger.warn({ username: body.username, ip }, "Sign-in failed");
    throw error;
  }
});

/** Counts one attempt per client IP and per user name; throws ApiError 429 when either is used up. */
async function enforceSignInRate(request: Request, ip: string, username: string): Promise<void> {
  // signInSchema has trimmed and lower-cased the user name, as the user store matches it.
  const keys = { ip: `sign-in:${ip}`, username: `sign-in-user:${username}` };
  const decisions = await consumeRates(SIGN_IN_RULES.map((rule) => ({ key: keys[rule.name], limit: rule.limit, windowSeconds: rule.windowSeconds })));
  SIGN_IN_RULES.forEach((rule, index) => {
    const decision = decisions[index];
    if (decision === undefined || decision.allowed) return;
    const error = new LimitExceededError("rate_limited", `too many sign-in attempts per ${rule.name}`, rule.limit, rule.limit + 1, decision.retryAfterSeconds);
    const scope = translatorFor(localeOfRequest(request))(rule.scope);
    throw limitToApiError(error, { scope, window: rule.windowSeconds });
  });
}

/** Any other method gets 405 with a JSON error body. */
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
