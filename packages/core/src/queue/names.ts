/** BullMQ queue of single-sentence jobs; workers serve it first. */
export const INTERACTIVE_QUEUE = "interactive";

/** BullMQ queue of corpus chunk jobs. */
export const CORPUS_QUEUE = "corpus";

/** Redis keys and channels outside BullMQ, all under the queue prefix. */
export const redisKeys = {
  /** JSON state of one worker, expiring when the worker stops refreshing it. */
  worker: (prefix: string, workerId: string) => `${prefix}:worker:${workerId}`,
  /** Sorted set of worker ids, scored by the time of their last state update in milliseconds. */
  workerIndex: (prefix: string) => `${prefix}:workers`,
  /** Pub/sub channel of control messages to workers. */
  control: (prefix: string) => `${prefix}:control`,
  /** JSON of the model every worker should serve, set by the last load request. */
  desiredModel: (prefix: string) => `${prefix}:desired-model`,
};

/** BullMQ job id of a corpus chunk. Deterministic, so enqueueing the same chunk twice adds one job. */
export function chunkJobId(jobId: string, attempt: number, chunkIndex: number): string {
  return `${jobId}-a${attempt}-c${chunkIndex}`;
}
