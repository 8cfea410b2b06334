import type { z } from "zod";
import type { Principal } from "@maskfill/core/auth";
import { enforceQueueDepth, enforceSubmissionRate } from "../auth/index.ts";
import { services } from "../services.ts";
import { anyWorkerReady } from "../worker-readiness.ts";
import { ApiError } from "./api-error.ts";
import { readJson } from "./read-body.ts";

/**
 * Runs the checks before a sentence API queues work and returns the parsed body: the caller's
 * rate limits, the body schema, `validate` (the route's own rules), the interactive queue depth
 * and a ready worker. The Redis reads and the body start together, because under load each
 * round trip also waits for a busy event loop. They are awaited in the order above, so a
 * request that fails several checks gets the error of the first.
 */
export async function admitSentenceRequest<S extends z.ZodType>(
  request: Request,
  principal: Principal,
  schema: S,
  validate: (body: z.output<S>) => void | Promise<void>,
): Promise<z.output<S>> {
  const { producer, queues } = services();
  const rate = enforceSubmissionRate(request, principal);
  const bodyRead = awaitLater(readJson(request, schema));
  const depth = awaitLater(enforceQueueDepth(() => queues.interactive.getWaitingCount()));
  const ready = awaitLater(anyWorkerReady(producer));
  await rate;
  const body = await bodyRead;
  await validate(body);
  await depth;
  if (!(await ready)) {
    throw new ApiError(503, "no_worker", "errors.noWorker", {}, { retryable: true });
  }
  return body;
}

/** Keeps a promise that is awaited later from counting as unhandled when an earlier check throws first. */
function awaitLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
