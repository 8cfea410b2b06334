import { json, otherMethods, route } from "../../../../../server/http/route.ts";
import { authServices, requireRole } from "../../../../../server/auth/index.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/auth/me: the caller's username and role, and whether access control is on. */
export const GET = route(async (request) => {
  const principal = await requireRole(request, "viewer");
  return json({ user: { username: principal.username, role: principal.role, via: principal.via }, authMode: authServices().mode });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
