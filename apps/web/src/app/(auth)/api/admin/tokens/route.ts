import { readJson } from "../../../../../server/http/read-body.ts";
import { json, otherMethods, route } from "../../../../../server/http/route.ts";
import { authServices, requireRole, withAuthErrors } from "../../../../../server/auth/index.ts";
import { createTokenBodySchema } from "../../../../../server/auth/admin-inputs.ts";
import { ApiError } from "../../../../../server/http/api-error.ts";
import { logger } from "../../../../../server/logger.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/tokens: every API token without its secret, newest first (admins only). */
export const GET = route(async (request) => {
  await requireRole(request, "admin");
  return json({ tokens: await authServices().store.listApiTokens() });
});

/** POST /api/admin/tokens {userId, name, expiresInDays?}: creates a token and returns its secret once (admins only). */
export const POST = route(async (request) => {
  const admin = await requireRole(request, "admin");
  const body = await readJson(request, createTokenBodySchema);
  const { store } = authServices();
  const target = (await store.listUsers()).find((user) => user.id === body.userId);
  const userNotFound = { key: "auth.userNotFound", params: { id: body.userId } } as const;
  if (target === undefined) throw new ApiError(404, "not_found", userNotFound.key, userNotFound.params, { field: "userId", retryable: false });
  // The store rejects a disabled user with invalid_input, the only input rule the schema above leaves to it.
  const { token, view } = await withAuthErrors(() => store.createApiToken(body), { not_found: userNotFound, invalid_input: { key: "auth.userDisabled", params: { username: target.username } } });
  logger.info({ tokenId: view.id, userId: view.userId, by: admin.userId }, "API token created");
  return json({ token, view }, 201);
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET, POST });
