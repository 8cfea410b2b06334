import { readJson } from "../../../../../server/http/read-body.ts";
import { json, otherMethods, route } from "../../../../../server/http/route.ts";
import { authServices, requireRole, withAuthErrors } from "../../../../../server/auth/index.ts";
import { createUserBodySchema } from "../../../../../server/auth/admin-inputs.ts";
import { logger } from "../../../../../server/logger.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/users: every user, oldest first (admins only). */
export const GET = route(async (request) => {
  await requireRole(request, "admin");
  return json({ users: await authServices().store.listUsers() });
});

/** POST /api/admin/users {username, password, role}: creates a user (admins only). */
export const POST = route(async (request) => {
  const admin = await requireRole(request, "admin");
  const body = await readJson(request, createUserBodySchema);
  const user = await withAuthErrors(() => authServices().store.createUser(body), { username_taken: { key: "auth.usernameTaken", params: { username: body.username } } });
  logger.info({ userId: user.id, role: user.role, by: admin.userId }, "User created");
  return json({ user }, 201);
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET, POST });
