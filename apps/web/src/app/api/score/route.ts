import { readJson } from "../../../server/http/read-body.ts";
import { ApiError } from "../../../server/http/api-error.ts";
import { json, route, methodNotAllowed } from "../../../server/http/route.ts";
import { enforceQueueDepth, enforceSubmissionRate, recordJobOwner, requireRole } from "../../../server/auth/index.ts";
import { enforceScoreSentenceLimits, scoreSentences } from "../../../server/score-sentences.ts";
import { services } from "../../../server/services.ts";
import { logger } from "../../../server/logger.ts";
import { assertCorpusText } from "../../../server/http/text-rules.ts";
import { scoreRequestSchema } from "../../../lib/score-schemas.ts";
import type { ScoreSentencesResponse } from "../../../lib/score-types.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * POST /api/score: scores 1 to 10 sentences (one `score` job each) and waits for all results.
 * Returns 503 when no worker is ready (nothing is queued then) and 504 after
 * MASKFILL_PREDICT_TIMEOUT_MS (the jobs stay queued and their results still land in the job
 * history). A sentence the engine rejects is a failed entry in `results`, not an error response.
 */
export const POST = route(async (request) => {
  const principal = await requireRole(request, "operator");
  const started = performance.now();
  await enforceSubmissionRate(request, principal);
  const body = await readJson(request, scoreRequestSchema);
  body.sentences.forEach((sentence, index) => assertCorpusText(sentence, `sentences.${index}`));
  enforceScoreSentenceLimits(body.sentences);
  const { producer, env, queues, prisma } = services();
  await enforceQueueDepth(() => queues.interactive.getWaitingCount());

  const workers = await producer.listWorkers();
  if (!workers.some((worker) => worker.status === "ready")) {
    throw new ApiError(503, "no_worker", "errors.noWorker", {}, { retryable: true });
  }

  const results = await scoreSentences(producer, body.sentences, body.variant, env.predictTimeoutMs);
  for (const result of results) {
    if (result.jobId !== null) await recordJobOwner(prisma, principal, result.jobId);
  }
  const failed = results.filter((result) => !result.ok).length;
  if (failed > 0) logger.info({ sentences: results.length, failed }, "Some sentences were rejected by the engine");
  const response: ScoreSentencesResponse = { variant: body.variant, results, latencyMs: performance.now() - started };
  return json(response);
});

/** Any other method gets 405 with a JSON error body. */
export const GET = methodNotAllowed("POST");
