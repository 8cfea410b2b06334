import { otherMethods, route } from "../../../../../server/http/route.ts";
import { requireRole } from "../../../../../server/auth/index.ts";
import { snapshotStream } from "../../../../../server/http/sse.ts";
import { findJob } from "../../../../../server/jobs.ts";
import { services } from "../../../../../server/services.ts";
import { logger } from "../../../../../server/logger.ts";
import { jobParamsSchema } from "../../../../../lib/schemas.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/jobs/:id/events: server-sent `snapshot` events of one job whenever it changes (checked every second). */
export const GET = route(async (request, context: { params: Promise<{ id: string }> }) => {
  await requireRole(request, "viewer");
  const id = jobParamsSchema.parse(await context.params).id;
  const { prisma } = services();
  const first = await findJob(prisma, id);
  let sentFirst = false;
  return snapshotStream({
    signal: request.signal,
    intervalMs: 1000,
    snapshot: async () => {
      if (!sentFirst) {
        sentFirst = true;
        return { job: first };
      }
      return { job: await findJob(prisma, id) };
    },
    onError: (error) => logger.warn({ err: error, jobId: id }, "Job stream failed to read the job; retrying in a second"),
  });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
