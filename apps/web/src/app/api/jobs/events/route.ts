import { readQuery } from "../../../../server/http/read-body.ts";
import { otherMethods, route } from "../../../../server/http/route.ts";
import { requireRole } from "../../../../server/auth/index.ts";
import { snapshotStream } from "../../../../server/http/sse.ts";
import { listJobs } from "../../../../server/jobs.ts";
import { services } from "../../../../server/services.ts";
import { logger } from "../../../../server/logger.ts";
import { jobListQuerySchema } from "../../../../lib/schemas.ts";
import { z } from "zod";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const eventsQuerySchema = jobListQuerySchema.omit({ cursor: true }).extend({
  limit: z.coerce.number().int().min(1).max(500).default(25),
});

/**
 * GET /api/jobs/events: server-sent events with the newest `limit` jobs (default 25, at most 500).
 * A `snapshot` event is sent at once and then whenever the list changes, checked every second.
 */
export const GET = route(async (request) => {
  await requireRole(request, "viewer");
  const query = readQuery(request, eventsQuerySchema);
  const { prisma } = services();
  return snapshotStream({
    signal: request.signal,
    intervalMs: 1000,
    snapshot: async () => {
      const page = await listJobs(prisma, query);
      return { jobs: page.rows, hasMore: page.nextCursor !== null };
    },
    onError: (error) => logger.warn({ err: error }, "Job list stream failed to read jobs; retrying in a second"),
  });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
