import { json, otherMethods, route } from "../../../../../../../server/http/route.ts";
import { authServices, requireRole, withAuthErrors } from "../../../../../../../server/auth/index.ts";
import { parseAdminId } from "../../../../../../../server/auth/admin-inputs.ts";
import { logger } from "../../../../../../../server/logger.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/tokens/:id/revoke: revokes an API token at once (admins only). */
export const POST = route(async (request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireRole(request, "admin");
  const id = parseAdminId((await context.params).id, "token");
  await withAuthErrors(() => authServices().store.revokeApiToken(id), { not_found: { key: "auth.tokenNotFound", params: { id } } });
  logger.info({ tokenId: id, by: admin.userId }, "API token revoked");
  return json({ revoked: id });
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
