import { readQuery } from "../../../../../../server/http/read-body.ts";
import { json, otherMethods, route } from "../../../../../../server/http/route.ts";
import { requireRole } from "../../../../../../server/auth/index.ts";
import { findJob } from "../../../../../../server/jobs.ts";
import { readScoreSummary } from "../../../../../../server/score-summary.ts";
import { services } from "../../../../../../server/services.ts";
import { jobParamsSchema } from "../../../../../../lib/schemas.ts";
import { scoreSummaryQuerySchema } from "../../../../../../lib/score-schemas.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/jobs/:id/scores/summary?bins=20: corpus PPPL, PPPL quantiles and a histogram over the
 * rows scored so far, computed in Postgres.
 */
export const GET = route(async (request, context: { params: Promise<{ id: string }> }) => {
  await requireRole(request, "viewer");
  const id = jobParamsSchema.parse(await context.params).id;
  const { bins } = readQuery(request, scoreSummaryQuerySchema);
  const { prisma } = services();
  await findJob(prisma, id);
  return json(await readScoreSummary(prisma, id, bins));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
