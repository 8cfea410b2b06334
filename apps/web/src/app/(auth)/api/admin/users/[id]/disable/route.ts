import { ApiError } from "../../../../../../../server/http/api-error.ts";
import { json, otherMethods, route } from "../../../../../../../server/http/route.ts";
import { authServices, requireRole, withAuthErrors } from "../../../../../../../server/auth/index.ts";
import { parseAdminId } from "../../../../../../../server/auth/admin-inputs.ts";
import { logger } from "../../../../../../../server/logger.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/users/:id/disable: disables a user, ending their sessions and tokens (admins only). */
export const POST = route(async (request, context: { params: Promise<{ id: string }> }) => {
  const admin = await requireRole(request, "admin");
  const id = parseAdminId((await context.params).id, "user");
  const { store } = authServices();
  const users = await store.listUsers();
  const target = users.find((user) => user.id === id);
  if (target === undefined) throw new ApiError(404, "not_found", "auth.userNotFound", { id }, { retryable: false });
  if (target.role === "admin" && target.disabledAt === null && (await store.countActiveAdmins()) <= 1) {
    throw new ApiError(409, "last_admin", "auth.lastAdmin", {}, { retryable: false });
  }
  const user = await withAuthErrors(() => store.disableUser(id), { not_found: { key: "auth.userNotFound", params: { id } } });
  logger.info({ userId: user.id, by: admin.userId }, "User disabled");
  return json({ user });
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
