import { newApiTokenSchema } from "@maskfill/core/auth";
import { readJson } from "../../../../../server/http/read-body.ts";
import { json, otherMethods, route } from "../../../../../server/http/route.ts";
import { authServices, requireRole, withAuthErrors } from "../../../../../server/auth/index.ts";
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
  const body = await readJson(request, newApiTokenSchema);
  const { token, view } = await withAuthErrors(() => authServices().store.createApiToken(body));
  logger.info({ tokenId: view.id, userId: view.userId, by: admin.userId }, "API token created");
  return json({ token, view }, 201);
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET, POST });
