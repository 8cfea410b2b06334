export { WorkerService } from "./service/worker-service.ts";
export { runWorker } from "./run-worker.ts";
export { MicroBatcher, BatcherClosedError, type BatchEntry, type BatchReport, type MicroBatcherOptions, type Priority } from "./batching/micro-batcher.ts";
