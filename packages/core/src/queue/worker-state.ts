import type { Redis } from "ioredis";
import { z } from "zod";
import { redisKeys } from "./names.ts";

/** Model identity as a worker reports it. */
export const workerModelSchema = z.object({
  name: z.string(),
  modelDir: z.string(),
  onnxPath: z.string(),
  variant: z.string(),
  parameterCount: z.number(),
  executionProvider: z.string(),
  /** "cpu" or the accelerator in use, e.g. "cuda:0". */
  device: z.string(),
  loadMs: z.number(),
  /** Latency of the first inference after loading, in milliseconds. */
  warmupMs: z.number(),
  /**
   * True when the worker serves the bundled mini-roberta demo model. The worker sets it because
   * the web app may run on another host with other paths. States from workers that predate the
   * field parse as false.
   */
  demoModel: z.boolean().default(false),
});

/** State a worker publishes every few seconds; the dashboard's worker list shows it. */
export const workerStateSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number(),
  startedAt: z.string(),
  updatedAt: z.string(),
  /** "loading" while a model loads, "ready" while serving, "error" when no model could be loaded, "stopping" during shutdown. */
  status: z.enum(["loading", "ready", "error", "stopping"]),
  /** Message of the last failed load, kept while the previous model still serves. */
  error: z.string().nullable(),
  /** The model being served, or null before the first successful load. */
  model: workerModelSchema.nullable(),
  /** Model directory of the load in progress or of the last failed one. */
  requestedModelDir: z.string().nullable(),
  batches: z.number(),
  sentences: z.number(),
  failedSentences: z.number(),
  /** Sentences per second over the last minute. */
  throughput: z.number(),
  /** Inference time of all batches since the worker started, in milliseconds (0 from older workers). */
  inferenceMs: z.number().default(0),
  /** Median and 99th-percentile inference time per batch over the last minute; null without batches. */
  batchLatency: z.object({ count: z.number(), p50Ms: z.number(), p99Ms: z.number() }).nullable().default(null),
  /** Requests waiting in the micro-batcher. */
  pending: z.number(),
});

export type WorkerState = z.infer<typeof workerStateSchema>;
export type WorkerModel = z.infer<typeof workerModelSchema>;

/** Seconds a published state stays visible without a refresh; workers refresh it well within this. */
export const WORKER_STATE_TTL_SECONDS = 15;

/** Stores a worker's state with an expiry, so a killed worker disappears from the list by itself. */
export async function publishWorkerState(redis: Redis, prefix: string, state: WorkerState): Promise<void> {
  await redis
    .multi()
    .set(redisKeys.worker(prefix, state.id), JSON.stringify(state), "EX", WORKER_STATE_TTL_SECONDS)
    .zadd(redisKeys.workerIndex(prefix), Date.now(), state.id)
    .exec();
}

/** Removes a worker's state at shutdown. */
export async function removeWorkerState(redis: Redis, prefix: string, workerId: string): Promise<void> {
  await redis.multi().del(redisKeys.worker(prefix, workerId)).zrem(redisKeys.workerIndex(prefix), workerId).exec();
}

/** Returns the state of every live worker, sorted by id; entries of workers that stopped refreshing are pruned. */
export async function readWorkerStates(redis: Redis, prefix: string): Promise<WorkerState[]> {
  const index = redisKeys.workerIndex(prefix);
  await redis.zremrangebyscore(index, "-inf", Date.now() - WORKER_STATE_TTL_SECONDS * 1000);
  const ids = await redis.zrange(index, 0, -1);
  if (ids.length === 0) return [];
  const values = await redis.mget(ids.map((id) => redisKeys.worker(prefix, id)));
  const states: WorkerState[] = [];
  for (const value of values) {
    if (value === null) continue;
    const parsed = workerStateSchema.safeParse(JSON.parse(value));
    if (parsed.success) states.push(parsed.data);
  }
  return states.sort((a, b) => a.id.localeCompare(b.id));
}
