import { readQuery } from "../../../../../server/http/read-body.ts";
import { route } from "../../../../../server/http/route.ts";
import { requireRole } from "../../../../../server/auth/index.ts";
import { findJob } from "../../../../../server/jobs.ts";
import { exportStream } from "../../../../../server/export/stream.ts";
import { services } from "../../../../../server/services.ts";
import { exportQuerySchema, jobParamsSchema } from "../../../../../lib/schemas.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/jobs/:id/export?format=csv|jsonl: streams the job's rows (same filters and sort as the
 * results) as a download. CSV has one record per prediction; JSONL one object per row.
 */
export const GET = route(async (request, context: { params: Promise<{ id: string }> }) => {
  await requireRole(request, "viewer");
  const id = jobParamsSchema.parse(await context.params).id;
  const { format, ...filters } = readQuery(request, exportQuerySchema);
  const { prisma } = services();
  await findJob(prisma, id);
  const contentType = format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
  return new Response(exportStream(prisma, id, filters, format), {
    headers: {
      "content-type": contentType,
      "content-disposition": `attachment; filename="maskfill-${id}.${format}"`,
      "cache-control": "no-store",
    },
  });
});
