import { json, otherMethods, route } from "../../../server/http/route.ts";
import { enforceSentenceLimits, ownerIdOf, requireRole } from "../../../server/auth/index.ts";
import { classifyProducerError } from "../../../server/http/producer-errors.ts";
import { services } from "../../../server/services.ts";
import { admitSentenceRequest } from "../../../server/http/admit-sentence-request.ts";
import { predictRequestSchema } from "../../../lib/schemas.ts";
import type { PredictResponse } from "../../../lib/api-types.ts";
import { logger } from "../../../server/logger.ts";
import { engineRejection } from "../../../server/http/engine-errors.ts";
import { assertCorpusText } from "../../../server/http/text-rules.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * POST /api/predict: fills the masks of one sentence and waits for the result. Returns 503 when
 * no worker is ready (nothing is queued then), 504 after MASKFILL_PREDICT_TIMEOUT_MS (the job
 * stays queued and its result still lands in the job history) and 422 when the model rejects the text.
 */
export const POST = route(async (request) => {
  const principal = await requireRole(request, "operator");
  const started = performance.now();
  const { producer, env } = services();
  const body = await admitSentenceRequest(request, principal, predictRequestSchema, async (parsed) => {
    assertCorpusText(parsed.text, "text");
    await enforceSentenceLimits(parsed.text, parsed);
  });

  const options = { topK: body.topK, ...(body.targets === undefined ? {} : { targets: body.targets }) };
  let outcome;
  try {
    outcome = await producer.submitSentence({ kind: "fill-mask", text: body.text, options, ownerId: ownerIdOf(principal) }, { timeoutMs: env.predictTimeoutMs });
  } catch (error) {
    throw classifyProducerError(error, { timeoutMs: env.predictTimeoutMs }) ?? error;
  }
  if (!outcome.ok) {
    logger.info({ jobId: outcome.jobId, code: outcome.error.code }, "Prediction rejected by the engine");
    throw engineRejection(outcome.error, body.targets);
  }
  const response: PredictResponse = {
    jobId: outcome.jobId,
    result: { text: outcome.value.text, masks: outcome.value.masks, tokenCount: outcome.value.tokenCount, window: outcome.value.window },
    latencyMs: performance.now() - started,
  };
  return json(response);
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
