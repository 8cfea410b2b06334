import { readQuery } from "../../../../../server/http/read-body.ts";
import { json, otherMethods, route } from "../../../../../server/http/route.ts";
import { requireRole } from "../../../../../server/auth/index.ts";
import { findJob } from "../../../../../server/jobs.ts";
import { readResultPage } from "../../../../../server/results.ts";
import { services } from "../../../../../server/services.ts";
import { jobParamsSchema, resultQuerySchema } from "../../../../../lib/schemas.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/jobs/:id/results: one page of a job's rows with every prediction. Filters: `q` (text
 * contains), `status`, `token` (top prediction of any mask); `sort` line, score_desc or score_asc.
 */
export const GET = route(async (request, context: { params: Promise<{ id: string }> }) => {
  await requireRole(request, "viewer");
  const id = jobParamsSchema.parse(await context.params).id;
  const query = readQuery(request, resultQuerySchema);
  const { prisma } = services();
  await findJob(prisma, id);
  return json(await readResultPage(prisma, id, query));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
