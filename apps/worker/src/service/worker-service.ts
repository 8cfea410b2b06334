import { hostname } from "node:os";
import { Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { createPrismaClient } from "@maskfill/core/db";
import type { FillMaskResult, Outcome, ScoreResult } from "@maskfill/core/engine";
import {
  CORPUS_QUEUE,
  INTERACTIVE_QUEUE,
  JobStore,
  ResultWriter,
  controlMessageSchema,
  desiredModelSchema,
  logConnectionErrors,
  publishWorkerState,
  redisKeys,
  removeWorkerState,
  type JobKind,
  type Logger,
  type MaskfillConfig,
  type WorkerState,
} from "@maskfill/core/queue";
import { MicroBatcher, type BatchReport } from "../batching/micro-batcher.ts";
import { InferenceClient } from "../inference/inference-client.ts";
import { WorkerMetrics } from "./metrics.ts";
import { ModelManager, type ModelRequest } from "./model-manager.ts";
import { createChunkProcessor, createSentenceProcessor, type ProcessorDeps } from "./processors.ts";
import { SentenceWriteQueue } from "./sentence-writes.ts";
import type { EngineRequest } from "./requests.ts";

type AnyOutcome = Outcome<FillMaskResult> | Outcome<ScoreResult>;

/** Milliseconds between state publications; well within WORKER_STATE_TTL_SECONDS. */
const STATE_INTERVAL_MS = 3_000;

/** Milliseconds each shutdown step after the grace period may take before it is abandoned. */
const CLOSE_STEP_MS = 5_000;

/** Waits for `work` up to `ms` milliseconds; returns false if it did not settle in time (it keeps running). */
async function withDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true, () => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}


/**
 * One worker process: an inference thread, a micro-batcher shared by all held jobs, BullMQ
 * workers for the interactive and corpus queues, a control channel subscription and periodic
 * state publication. Job consumption starts once the first model is loaded.
 */
export class WorkerService {
  readonly id: string;
  readonly metrics = new WorkerMetrics();
  /** The last 100 batch reports, newest last. */
  readonly recentBatches: BatchReport<JobKind>[] = [];
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly prisma;
  private readonly client: InferenceClient;
  private readonly models: ModelManager;
  private readonly batcher: MicroBatcher<JobKind, EngineRequest, AnyOutcome>;
  private readonly deps: ProcessorDeps;
  private workers: Worker[] = [];
  private stateTimer: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date().toISOString();
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly config: MaskfillConfig,
    private readonly logger: Logger,
    private readonly onFatal: (error: Error) => void,
  ) {
    this.id = config.workerId || `${hostname()}-${process.pid}`;
    // BullMQ workers block on Redis, so their connection must retry without limit.
    this.redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    this.subscriber = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    logConnectionErrors(this.redis, "commands", logger, { workerId: this.id });
    logConnectionErrors(this.subscriber, "control", logger, { workerId: this.id });
    this.prisma = createPrismaClient(config.databaseUrl);
    this.client = new InferenceClient((error) => {
      this.logger.fatal({ workerId: this.id, err: error.message }, "Inference thread stopped");
      this.onFatal(error);
    });
    this.models = new ModelManager(
      this.client,
      { executionProvider: config.executionProvider, tokenBudget: config.tokenBudget, intraOpThreads: config.intraOpThreads, threadSpinning: config.threadSpinning },
      logger,
      () => void this.publishState(),
    );
    this.batcher = new MicroBatcher<JobKind, EngineRequest, AnyOutcome>({
      tokenBudget: config.tokenBudget,
      maxWaitMs: config.batchWaitMs,
      maxInFlight: config.batchesInFlight,
      bulkBudgetFactor: config.bulkBatchFactor,
      run: (kind, entries, report) => this.runBatch(kind, entries.map((entry) => entry.request), report),
      onBatch: (report, error) => this.recordBatch(report, error),
    });
    const store = new JobStore(this.prisma);
    const writer = new ResultWriter(this.prisma);
    this.deps = { batcher: this.batcher, models: this.models, store, writer, sentenceWrites: new SentenceWriteQueue(writer, logger), logger };
  }

  /**
   * Starts a worker: subscribes to control messages, loads the fleet's stored model choice (or
   * the configured model when there is none or it fails to load), and starts taking jobs once a
   * model is ready. When no model loads, the worker stays idle with status "error" until a load
   * request succeeds.
   */
  static async start(config: MaskfillConfig, logger: Logger, onFatal: (error: Error) => void = () => undefined): Promise<WorkerService> {
    const service = new WorkerService(config, logger, onFatal);
    await service.init();
    return service;
  }

  /** Current state, as published to Redis. */
  state(): WorkerState {
    return {
      id: this.id,
      host: hostname(),
      pid: process.pid,
      startedAt: this.startedAt,
      updatedAt: new Date().toISOString(),
      status: this.stopping !== undefined ? "stopping" : this.models.status,
      error: this.models.error,
      model: this.models.model,
      requestedModelDir: this.models.requested?.modelDir ?? null,
      batches: this.metrics.batches,
      sentences: this.metrics.sentences,
      failedSentences: this.metrics.failedSentences,
      throughput: this.metrics.throughput(),
      inferenceMs: Math.round(this.metrics.inferenceMs),
      batchLatency: this.metrics.latency(),
      pending: this.batcher.pendingCount,
    };
  }

  /**
   * Stops taking jobs, lets held jobs finish within the shutdown grace period (jobs still running
   * after it are left locked, and another worker takes them over once the lock expires), then
   * closes the batcher, the inference thread and every connection. Safe to call twice.
   */
  stop(reason: string): Promise<void> {
    this.stopping ??= this.shutdown(reason);
    return this.stopping;
  }

  private async init(): Promise<void> {
    this.logger.info({ workerId: this.id, queuePrefix: this.config.queuePrefix, executionProvider: this.config.executionProvider }, "Worker starting");
    await this.subscriber.subscribe(redisKeys.control(this.config.queuePrefix));
    this.subscriber.on("message", (_channel: string, message: string) => void this.onControl(message));
    this.stateTimer = setInterval(() => void this.publishState(), STATE_INTERVAL_MS);

    const configured: ModelRequest = { modelDir: this.config.modelDir, ...(this.config.modelVariant === undefined ? {} : { variant: this.config.modelVariant }) };
    const stored = await this.storedModel();
    let loaded = await this.models.load(stored ?? configured, { fallbackFollows: stored !== null });
    if (!loaded && stored !== null) {
      this.logger.warn(
        { workerId: this.id, storedModelDir: stored.modelDir, err: this.models.error, modelDir: configured.modelDir || "(bundled)" },
        "The fleet's stored model failed to load; falling back to the configured model",
      );
      loaded = await this.models.load(configured);
    }
    if (loaded) this.startConsuming();
  }

  /** Reads the fleet's model choice that an earlier load request stored; null when none or invalid. */
  private async storedModel(): Promise<ModelRequest | null> {
    const key = redisKeys.desiredModel(this.config.queuePrefix);
    const stored = await this.redis.get(key);
    if (stored === null) return null;
    let json: unknown;
    try {
      json = JSON.parse(stored);
    } catch {
      json = undefined;
    }
    const parsed = desiredModelSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    this.logger.warn({ workerId: this.id, key }, "Ignoring an invalid stored model choice");
    return null;
  }

  /** Stores a fleet-wide model choice after this worker loaded it, so that workers started later load it too. */
  private async storeModelChoice(request: ModelRequest): Promise<void> {
    // NOTE: the last successful load wins. A slow worker that stores an older request after a
    // newer one and then fails to load the newer one leaves the older directory stored.
    try {
      await this.redis.set(redisKeys.desiredModel(this.config.queuePrefix), JSON.stringify(request));
    } catch (error) {
      this.logger.warn({ workerId: this.id, modelDir: request.modelDir, err: error instanceof Error ? error.message : String(error) }, "Could not store the model choice");
    }
  }

  private startConsuming(): void {
    if (this.workers.length > 0 || this.stopping !== undefined) return;
    const common = {
      connection: this.redis,
      prefix: this.config.queuePrefix,
      lockDuration: this.config.lockDurationMs,
      stalledInterval: this.config.lockDurationMs,
      maxStalledCount: 2,
    };
    const interactive = new Worker(INTERACTIVE_QUEUE, createSentenceProcessor(this.deps), { ...common, concurrency: this.config.interactiveConcurrency });
    const corpus = new Worker(CORPUS_QUEUE, createChunkProcessor(this.deps), { ...common, concurrency: this.config.concurrency });
    for (const worker of [interactive, corpus]) {
      worker.on("failed", (job, error) => void this.onFailed(job, error));
      logConnectionErrors(worker, `worker:${worker.name}`, this.logger, { workerId: this.id });
    }
    this.workers = [interactive, corpus];
    this.logger.info({ workerId: this.id, concurrency: this.config.concurrency, interactiveConcurrency: this.config.interactiveConcurrency }, "Worker taking jobs");
  }

  private async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (job === undefined) return;
    const attempts = job.opts.attempts ?? 1;
    const final = job.attemptsMade >= attempts || error.name === "UnrecoverableError";
    const jobId = typeof job.data?.jobId === "string" ? job.data.jobId : undefined;
    const ids = { workerId: this.id, jobId, queueJobId: job.id, name: job.name, attemptsMade: job.attemptsMade, attempts, err: error.message };
    if (!final) {
      this.logger.warn(ids, "Job failed, will retry");
      return;
    }
    this.logger.error(ids, "Job failed");
    if (jobId !== undefined) {
      await this.deps.store.failJob(jobId, "worker_failed", error.message).catch((cause: unknown) => {
        this.logger.error({ ...ids, err: cause instanceof Error ? cause.message : String(cause) }, "Could not mark the job failed");
      });
    }
  }

  private async runBatch(kind: JobKind, requests: EngineRequest[], report: BatchReport<JobKind>): Promise<AnyOutcome[]> {
    const started = performance.now();
    const reply = kind === "fill-mask" ? await this.client.fillMask(requests) : await this.client.score(requests);
    const latencyMs = performance.now() - started;
    report.sessionRuns = reply.sessionRuns;
    this.metrics.recordBatch(requests.length, reply.outcomes.filter((outcome) => !outcome.ok).length, latencyMs);
    return reply.outcomes;
  }

  private recordBatch(report: BatchReport<JobKind>, error: Error | undefined): void {
    this.recentBatches.push(report);
    if (this.recentBatches.length > 100) this.recentBatches.shift();
    if (error !== undefined) {
      this.logger.error({ workerId: this.id, kind: report.kind, size: report.size, jobIds: report.jobIds.slice(0, 10), err: error.message }, "Batch failed");
      return;
    }
    this.logger.debug({ workerId: this.id, kind: report.kind, size: report.size, jobs: report.jobIds.length, durationMs: Math.round(report.durationMs) }, "Batch done");
  }

  private async onControl(raw: string): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      this.logger.warn({ workerId: this.id }, "Ignoring a control message that is not JSON");
      return;
    }
    const parsed = controlMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.logger.warn({ workerId: this.id, err: parsed.error.issues[0]?.message }, "Ignoring an invalid control message");
      return;
    }
    const message = parsed.data;
    if (message.workerId !== undefined && message.workerId !== this.id) return;
    if (message.modelDir === undefined) {
      if (await this.models.reload()) this.startConsuming();
      return;
    }
    const request: ModelRequest = { modelDir: message.modelDir, ...(message.variant === undefined ? {} : { variant: message.variant }) };
    if (!(await this.models.load(request))) return;
    if (message.workerId === undefined) await this.storeModelChoice(request);
    this.startConsuming();
  }

  private async publishState(): Promise<void> {
    try {
      await publishWorkerState(this.redis, this.config.queuePrefix, this.state());
    } catch (error) {
      this.logger.warn({ workerId: this.id, err: error instanceof Error ? error.message : String(error) }, "Could not publish worker state");
    }
  }

  private async shutdown(reason: string): Promise<void> {
    this.logger.info({ workerId: this.id, reason }, "Worker stopping");
    await this.publishState();
    const graceful = await withDeadline(Promise.all(this.workers.map((worker) => worker.close())), this.config.shutdownGraceMs);
    if (!graceful) {
      this.logger.warn({ workerId: this.id, graceMs: this.config.shutdownGraceMs }, "Jobs still running after the grace period; leaving them to other workers");
      await withDeadline(Promise.all(this.workers.map((worker) => worker.close(true))), CLOSE_STEP_MS);
    }
    await withDeadline(this.batcher.close(), CLOSE_STEP_MS);
    clearInterval(this.stateTimer);
    await this.client.close();
    await withDeadline(removeWorkerState(this.redis, this.config.queuePrefix, this.id), CLOSE_STEP_MS);
    // quit() waits for Redis to acknowledge; when Redis is unreachable, drop the connections instead.
    for (const connection of [this.subscriber, this.redis]) {
      if (!(await withDeadline(connection.quit(), CLOSE_STEP_MS))) connection.disconnect();
    }
    await this.prisma.$disconnect();
    this.logger.info({ workerId: this.id, batches: this.metrics.batches, sentences: this.metrics.sentences }, "Worker stopped");
  }

}
