import { json, otherMethods, route } from "../../../server/http/route.ts";
import { requireRole } from "../../../server/auth/index.ts";
import { services } from "../../../server/services.ts";
import { toWorkerView } from "../../../server/workers.ts";
import type { WorkersResponse } from "../../../lib/api-types.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/workers: the published state of every live worker. */
export const GET = route(async (request) => {
  await requireRole(request, "viewer");
  const states = await services().producer.listWorkers();
  const body: WorkersResponse = { workers: states.map(toWorkerView) };
  return json(body);
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
