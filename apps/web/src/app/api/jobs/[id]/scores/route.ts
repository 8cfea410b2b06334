import { readQuery } from "../../../../../server/http/read-body.ts";
import { json, otherMethods, route } from "../../../../../server/http/route.ts";
import { requireRole } from "../../../../../server/auth/index.ts";
import { findJob } from "../../../../../server/jobs.ts";
import { readScorePage } from "../../../../../server/scores.ts";
import { services } from "../../../../../server/services.ts";
import { jobParamsSchema } from "../../../../../lib/schemas.ts";
import { scoreQuerySchema } from "../../../../../lib/score-schemas.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/jobs/:id/scores: one page of a score job's rows with PLL, N, mean PLL and PPPL.
 * Filters are `q` (text contains) and `status`. `sort` is line, pppl_asc (most natural first) or
 * pppl_desc (least natural first), and the PPPL orders list scored rows only.
 */
export const GET = route(async (request, context: { params: Promise<{ id: string }> }) => {
  await requireRole(request, "viewer");
  const id = jobParamsSchema.parse(await context.params).id;
  const query = readQuery(request, scoreQuerySchema);
  const { prisma } = services();
  await findJob(prisma, id);
  return json(await readScorePage(prisma, id, query));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
