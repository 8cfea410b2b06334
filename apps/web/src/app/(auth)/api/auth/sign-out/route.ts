import { json, otherMethods, route } from "../../../../../server/http/route.ts";
import { assertSameOrigin, authServices, clearedSessionCookie, readSessionCookie } from "../../../../../server/auth/index.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/auth/sign-out: ends the current session and deletes its cookie. */
export const POST = route(async (request) => {
  assertSameOrigin(request);
  const { store, secureCookies } = authServices();
  const session = readSessionCookie(request);
  if (session !== undefined) await store.signOut(session);
  return json({ signedOut: true }, 200, { "set-cookie": clearedSessionCookie(secureCookies) });
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
