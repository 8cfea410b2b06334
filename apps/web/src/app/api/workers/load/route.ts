import { readJson } from "../../../../server/http/read-body.ts";
import { json, otherMethods, route } from "../../../../server/http/route.ts";
import { requireRole } from "../../../../server/auth/index.ts";
import { services } from "../../../../server/services.ts";
import { logger } from "../../../../server/logger.ts";
import { loadModelSchema } from "../../../../lib/schemas.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * POST /api/workers/load: sends every worker a request to load `modelDir` (a path on the worker's machine).
 * Returns how many workers received the request; GET /api/workers shows the outcome.
 */
export const POST = route(async (request) => {
  await requireRole(request, "operator");
  const body = await readJson(request, loadModelSchema);
  const { receivers } = await services().producer.loadModel({ modelDir: body.modelDir, ...(body.variant === undefined ? {} : { variant: body.variant }) });
  logger.info({ modelDir: body.modelDir, variant: body.variant, receivers }, "Load-model request sent to workers");
  return json({ workers: receivers }, 202);
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
