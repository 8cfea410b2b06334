import { json, otherMethods, route } from "../../../../server/http/route.ts";
import { requireRole } from "../../../../server/auth/index.ts";
import { findJob } from "../../../../server/jobs.ts";
import { services } from "../../../../server/services.ts";
import { jobParamsSchema } from "../../../../lib/schemas.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/jobs/:id: one job's status, counts, throughput and ETA. */
export const GET = route(async (request, context: { params: Promise<{ id: string }> }) => {
  await requireRole(request, "viewer");
  const id = jobParamsSchema.parse(await context.params).id;
  return json({ job: await findJob(services().prisma, id) });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
