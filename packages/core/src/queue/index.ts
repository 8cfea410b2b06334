/**
 * Queue entry point (`@maskfill/core/queue`): the producer API, the job catalog and worker
 * state types. Nothing here imports onnxruntime, so the web app can use it.
 */
export { MaskfillProducer, type CorpusRequest, type CorpusSubmission, type ProducerConfig, type RetrySummary, type SentenceOutcome, type SentenceRequest } from "./producer.ts";
export {
  InvalidPayloadError,
  MAX_TEXT_LENGTH,
  MAX_TOP_K,
  chunkJobName,
  fillMaskOptionsSchema,
  isJobKind,
  jobCatalog,
  jobKinds,
  kindOfJobName,
  kindOptions,
  parseJobPayload,
  scoreOptionsSchema,
  type ChunkPayload,
  type FillMaskOptions,
  type JobKind,
  type JobName,
  type JobPayload,
  type KindOptions,
  type ScoreOptions,
  type SentencePayload,
} from "./catalog.ts";
export { controlMessageSchema, desiredModelSchema, loadModelMessageSchema, type ControlMessage, type DesiredModel, type LoadModelMessage } from "./control.ts";
export { InvalidRequestError, JobNotFoundError, QueueUnavailableError, ResultTimeoutError } from "./errors.ts";
export { DEFAULT_JOB_OPTIONS } from "./job-options.ts";
export { logConnectionErrors } from "./connection-log.ts";
export { CORPUS_QUEUE, INTERACTIVE_QUEUE, chunkJobId, redisKeys } from "./names.ts";
export { JobStore, type ItemInput, type JobView, type NewJob } from "./store/job-store.ts";
export { JobMissingError, ResultWriter, type ItemOutcome, type JobWrite, type KindOutcomes, type WriteSummary } from "./store/result-writer.ts";
export { chunkLineNumbers, importCorpus, type ChunkRange, type ImportSummary } from "./corpus-import.ts";
export {
  WORKER_STATE_TTL_SECONDS,
  publishWorkerState,
  readWorkerStates,
  removeWorkerState,
  workerModelSchema,
  workerStateSchema,
  type WorkerModel,
  type WorkerState,
} from "./worker-state.ts";
export { ConfigError, loadConfig, type MaskfillConfig } from "../config/index.ts";
export { createLogger, type Logger } from "../logger.ts";
