import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { withinTime } from "./within-time.ts";

/**
 * Ends a Redis connection that BullMQ queues share, then closes the queues.
 *
 * A queue whose connection is not ready yet waits for it in the background, and reports a
 * failure of that wait as an "error" event. Queue.close() (BullMQ 5.81) removes the listeners
 * without ending that wait, so when the shared connection ends afterwards the event has no
 * listener and becomes an unhandled rejection. Ending the connection first lets every waiting
 * queue settle while its listeners are attached. A connection that is waiting to reconnect
 * ends without any event, so its queues never settle and are closed at once. `timeoutMs`
 * bounds the wait for Redis to acknowledge QUIT and for the queues to settle.
 */
export async function closeSharedConnection(redis: Redis, queues: readonly Queue[], timeoutMs: number): Promise<void> {
  const started = Promise.allSettled(queues.map((queue) => queue.waitUntilReady()));

  if (redis.status === "ready") {
    const acknowledged = await withinTime(redis.quit().then(() => true, () => false), timeoutMs);
    if (acknowledged !== true) redis.disconnect();
  } else if (redis.status !== "end") {
    redis.disconnect();
  }
  if (redis.status !== "reconnecting") await withinTime(started, timeoutMs);

  for (const queue of queues) await queue.close();
}
