import { json, otherMethods, route } from "../../../../../../server/http/route.ts";
import { requireRole } from "../../../../../../server/auth/index.ts";
import { findJob } from "../../../../../../server/jobs.ts";
import { readScoreDetail } from "../../../../../../server/scores.ts";
import { services } from "../../../../../../server/services.ts";
import { scoreLineParamsSchema } from "../../../../../../lib/score-schemas.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/jobs/:id/scores/:line: one line's scores and per-token log-probabilities; 404 for an unknown line. */
export const GET = route(async (request, context: { params: Promise<{ id: string; line: string }> }) => {
  await requireRole(request, "viewer");
  const { id, line } = scoreLineParamsSchema.parse(await context.params);
  const { prisma } = services();
  await findJob(prisma, id);
  return json(await readScoreDetail(prisma, id, line));
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
