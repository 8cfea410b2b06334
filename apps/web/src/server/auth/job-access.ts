import type { Principal } from "@maskfill/core/auth";
import type { PrismaClient } from "@maskfill/core/db";
import { ApiError } from "../http/api-error.ts";

/**
 * Throws ApiError 403 unless the caller may change (cancel, retry) the job: admins may change
 * every job, operators their own jobs and jobs without an owner. A missing job is left to the
 * route's own 404.
 */
export async function assertCanChangeJob(prisma: PrismaClient, principal: Principal, jobId: string): Promise<void> {
  if (principal.role === "admin") return;
  const job = await prisma.job.findUnique({ where: { id: jobId }, select: { ownerId: true } });
  if (job === null || job.ownerId === null || job.ownerId === principal.userId) return;
  throw new ApiError(403, "not_job_owner", "auth.notJobOwner", { id: jobId }, { retryable: false });
}

/** Returns the owner id to store on a job the caller submits: null for the anonymous admin of MASKFILL_AUTH=off. */
export function ownerIdOf(principal: Principal): string | null {
  return principal.userId === "" ? null : principal.userId;
}
