import { readJson, readQuery } from "../../../server/http/read-body.ts";
import { json, otherMethods, route } from "../../../server/http/route.ts";
import { authServices, enforceConcurrentJobs, enforceFillOptions, enforceSubmissionRate, ownerIdOf, readOwnUploadMeta, requireRole } from "../../../server/auth/index.ts";
import { classifyProducerError } from "../../../server/http/producer-errors.ts";
import { findJob, listJobs } from "../../../server/jobs.ts";
import { claimUpload, releaseUpload, removeUpload } from "../../../server/uploads.ts";
import { assertCorpusReadable } from "../../../server/corpus-check.ts";
import { toCorpusOptions } from "../../../server/corpus-options.ts";
import { services } from "../../../server/services.ts";
import { logger } from "../../../server/logger.ts";
import { createJobSchema, jobListQuerySchema } from "../../../lib/schemas.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/jobs: jobs newest first, filtered by status or source, with a keyset `cursor`. */
export const GET = route(async (request) => {
  await requireRole(request, "viewer");
  const query = readQuery(request, jobListQuerySchema);
  return json(await listJobs(services().prisma, query));
});

/**
 * POST /api/jobs: starts a corpus job from an upload. The upload is claimed first, so concurrent
 * requests for one upload start one job (the others get 409). A file the parser rejects as a whole
 * gets 422 without creating a job. The parser streams the file into Postgres before this returns,
 * then the upload file is deleted because the items now live in the database.
 */
export const POST = route(async (request) => {
  const principal = await requireRole(request, "operator");
  await enforceSubmissionRate(request, principal);
  const body = await readJson(request, createJobSchema);
  await enforceFillOptions(body);
  const { producer, prisma, env } = services();
  // NOTE: the count and the submission are not atomic, so parallel submissions of one user can
  // exceed MASKFILL_MAX_CONCURRENT_JOBS by the number of requests in flight.
  await enforceConcurrentJobs(prisma, principal);

  const meta = await readOwnUploadMeta(env.uploadDir, body.uploadId, principal);
  const claim = await claimUpload(env.uploadDir, body.uploadId);
  const corpus = toCorpusOptions(body.corpus, meta.fileName);

  // NOTE: the import runs inside this request, so a very large corpus keeps the request open
  // until every row is stored. The job already appears on the jobs page while it imports.
  let submission;
  try {
    await assertCorpusReadable(claim.path, corpus);
    submission = await producer.submitCorpus({
      kind: body.kind,
      options: body.kind === "score" ? { variant: body.variant } : { topK: body.topK, ...(body.targets === undefined ? {} : { targets: body.targets }) },
      source: claim.path,
      corpus: { ...corpus, limits: { maxRows: authServices().limits.maxCorpusRows } },
      fileName: meta.fileName,
      ownerId: ownerIdOf(principal),
    });
  } catch (error) {
    // The upload stays usable, so the user can fix the settings and submit it again.
    await releaseUpload(env.uploadDir, claim).catch((releaseError: unknown) => logger.warn({ err: releaseError, uploadId: body.uploadId }, "Failed to release a claimed upload"));
    throw classifyProducerError(error) ?? error;
  }

  await removeUpload(env.uploadDir, body.uploadId, claim);
  logger.info({ jobId: submission.jobId, uploadId: body.uploadId, rows: submission.rows, invalidRows: submission.invalidRows, chunks: submission.chunks }, "Corpus job submitted");
  return json({ job: await findJob(prisma, submission.jobId), rows: submission.rows, invalidRows: submission.invalidRows }, 201);
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET, POST });
