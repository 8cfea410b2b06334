import { readJson, readQuery } from "../../../server/http/read-body.ts";
import { json, route } from "../../../server/http/route.ts";
import { authServices, enforceConcurrentJobs, enforceFillOptions, enforceSubmissionRate, recordJobOwner, requireRole } from "../../../server/auth/index.ts";
import { classifyProducerError } from "../../../server/http/producer-errors.ts";
import { findJob, listJobs } from "../../../server/jobs.ts";
import { readUploadMeta, removeUpload, uploadPath } from "../../../server/uploads.ts";
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
 * POST /api/jobs: starts a corpus job from an upload. The parser streams the file into Postgres
 * before this returns, then the upload file is deleted because the items now live in the database.
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
  const meta = await readUploadMeta(env.uploadDir, body.uploadId);
  // NOTE: the import runs inside this request, so a very large corpus keeps the request open
  // until every row is stored; the job already shows on the jobs page while it imports.
  let submission;
  try {
    submission = await producer.submitCorpus({
      kind: body.kind,
      options: body.kind === "score" ? { variant: body.variant } : { topK: body.topK, ...(body.targets === undefined ? {} : { targets: body.targets }) },
      source: uploadPath(env.uploadDir, body.uploadId),
      corpus: { ...toCorpusOptions(body.corpus, meta.fileName), limits: { maxRows: authServices().limits.maxCorpusRows } },
      fileName: meta.fileName,
    });
  } catch (error) {
    throw classifyProducerError(error) ?? error;
  }
  await recordJobOwner(prisma, principal, submission.jobId);
  await removeUpload(env.uploadDir, body.uploadId);
  logger.info({ jobId: submission.jobId, uploadId: body.uploadId, rows: submission.rows, invalidRows: submission.invalidRows, chunks: submission.chunks }, "Corpus job submitted");
  return json({ job: await findJob(prisma, submission.jobId), rows: submission.rows, invalidRows: submission.invalidRows }, 201);
});
