import type { MaskfillProducer } from "@maskfill/core/queue";

// A ready worker is remembered this long, so busy sentence APIs do not read every worker's state
// from Redis on each request. A worker that dies within this time turns the request into a 504
// timeout instead of a 503, as a worker dying mid-request would.
const READY_CACHE_MS = 1_000;

let readyUntil = 0;

/**
 * Returns whether some worker reports the status "ready". A positive result is reused for one
 * second; a negative one is never reused, so a worker that has just started is seen at once.
 */
export async function anyWorkerReady(producer: MaskfillProducer): Promise<boolean> {
  if (Date.now() < readyUntil) return true;
  const workers = await producer.listWorkers();
  const ready = workers.some((worker) => worker.status === "ready");
  readyUntil = ready ? Date.now() + READY_CACHE_MS : 0;
  return ready;
}
