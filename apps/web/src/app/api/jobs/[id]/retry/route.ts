import { ApiError } from "../../../../../server/http/api-error.ts";
import { json, otherMethods, route } from "../../../../../server/http/route.ts";
import { assertCanChangeJob, requireRole } from "../../../../../server/auth/index.ts";
import { classifyProducerError } from "../../../../../server/http/producer-errors.ts";
import { findJob } from "../../../../../server/jobs.ts";
import { services } from "../../../../../server/services.ts";
import { logger } from "../../../../../server/logger.ts";
import { jobParamsSchema } from "../../../../../lib/schemas.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/jobs/:id/retry: queues a finished job's failed items again and returns how many; 409 while the job is queued or running. */
export const POST = route(async (request, context: { params: Promise<{ id: string }> }) => {
  const principal = await requireRole(request, "operator");
  const id = jobParamsSchema.parse(await context.params).id;
  const { producer, prisma } = services();
  await assertCanChangeJob(prisma, principal, id);
  const before = await findJob(prisma, id);
  if (before.status === "queued" || before.status === "running") {
    const key = before.status === "queued" ? "errors.jobRetryQueued" : "errors.jobRetryRunning";
    throw new ApiError(409, "job_not_finished", key, { id }, { retryable: true });
  }
  let retried;
  try {
    retried = await producer.retryFailedItems(id);
  } catch (error) {
    throw classifyProducerError(error, { jobId: id }) ?? error;
  }
  logger.info({ jobId: id, items: retried.items }, "Failed items queued again from the dashboard");
  return json({ retried: retried.items, job: await findJob(prisma, id) });
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
