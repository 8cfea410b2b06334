import { json, otherMethods, route } from "../../../server/http/route.ts";
import { ownerIdOf, requireRole } from "../../../server/auth/index.ts";
import { enforceScoreSentenceLimits, scoreSentences } from "../../../server/score-sentences.ts";
import { services } from "../../../server/services.ts";
import { admitSentenceRequest } from "../../../server/http/admit-sentence-request.ts";
import { logger } from "../../../server/logger.ts";
import { localeOfRequest } from "../../../i18n/server.ts";
import { translatorFor } from "../../../i18n/translate.ts";
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
  const { producer, env } = services();
  const body = await admitSentenceRequest(request, principal, scoreRequestSchema, (parsed) => {
    parsed.sentences.forEach((sentence, index) => assertCorpusText(sentence, `sentences.${index}`));
    enforceScoreSentenceLimits(parsed.sentences);
  });

  const results = await scoreSentences(producer, body.sentences, body.variant, env.predictTimeoutMs, translatorFor(localeOfRequest(request)), ownerIdOf(principal));
  const failed = results.filter((result) => !result.ok).length;
  if (failed > 0) logger.info({ sentences: results.length, failed }, "Some sentences were rejected by the engine");
  const response: ScoreSentencesResponse = { variant: body.variant, results, latencyMs: performance.now() - started };
  return json(response);
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
