import { readQuery } from "../../../../../server/http/read-body.ts";
import { otherMethods, route } from "../../../../../server/http/route.ts";
import { requireRole } from "../../../../../server/auth/index.ts";
import { findJob } from "../../../../../server/jobs.ts";
import { exportStream } from "../../../../../server/export/stream.ts";
import { scoreExportStream } from "../../../../../server/export/score-stream.ts";
import { services } from "../../../../../server/services.ts";
import { exportQuerySchema, jobParamsSchema } from "../../../../../lib/schemas.ts";
import { scoreExportQuerySchema } from "../../../../../lib/score-schemas.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/jobs/:id/export?format=csv|jsonl: streams the job's rows (same filters and sort as the
 * results) as a download. CSV has one record per prediction; JSONL one object per row. Score
 * jobs take the filters of /scores and export PLL, N, mean PLL, PPPL, variant and model per
 * sentence, plus the per-token values in JSONL.
 */
export const GET = route(async (request, context: { params: Promise<{ id: string }> }) => {
  await requireRole(request, "viewer");
  const id = jobParamsSchema.parse(await context.params).id;
  const { prisma } = services();
  const job = await findJob(prisma, id);
  let body: ReadableStream<Uint8Array>;
  let format: "csv" | "jsonl";
  if (job.kind === "score") {
    const { format: scoreFormat, ...filters } = readQuery(request, scoreExportQuerySchema);
    format = scoreFormat;
    body = scoreExportStream(prisma, id, filters, format);
  } else {
    const { format: fillFormat, ...filters } = readQuery(request, exportQuerySchema);
    format = fillFormat;
    body = exportStream(prisma, id, filters, format);
  }
  const contentType = format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
  return new Response(body, {
    headers: {
      "content-type": contentType,
      "content-disposition": `attachment; filename="maskfill-${id}.${format}"`,
      "cache-control": "no-store",
    },
  });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
