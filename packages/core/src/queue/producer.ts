import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { z } from "zod";
import { parseCorpus } from "../corpus/parse.ts";
import type { CorpusInput } from "../corpus/read-lines.ts";
import type { CorpusOptions } from "../corpus/options.ts";
import { createPrismaClient } from "../db/client.ts";
import type { PrismaClient } from "../db/generated/client.ts";
import type { FillMaskResult, Outcome, ScoreResult } from "../engine/types.ts";
import { createLogger, type Logger } from "../logger.ts";
import { closeSharedConnection } from "./close-shared-connection.ts";
import { withinTime } from "./within-time.ts";
import { logConnectionErrors } from "./connection-log.ts";
import { chunkJobName, jobCatalog, kindOptions, type JobKind, type KindOptions } from "./catalog.ts";
import { loadModelMessageSchema, type LoadModelMessage } from "./control.ts";
import { chunkLineNumbers, importCorpus, type ChunkRange } from "./corpus-import.ts";
import { InvalidRequestError, JobNotFoundError, QueueUnavailableError } from "./errors.ts";
import { DEFAULT_JOB_OPTIONS } from "./job-options.ts";
import { CORPUS_QUEUE, INTERACTIVE_QUEUE, chunkJobId, redisKeys } from "./names.ts";
import { JobStore, type JobView } from "./store/job-store.ts";
import { readWorkerStates, type WorkerState } from "./worker-state.ts";
import { SentenceWaiter, type SentenceWait } from "./sentence-waiter.ts";

/** Connection settings of a producer; a subset of MaskfillConfig. */
export interface ProducerConfig {
  redisUrl: string;
  databaseUrl: string;
  queuePrefix: string;
  /** Items per corpus chunk job. */
  chunkSize: number;
  /** Milliseconds a Redis call may take before it fails with QueueUnavailableError; default 10000. */
  redisTimeoutMs?: number;
}

/** Result of a sentence request: the engine's outcome, which is an error for invalid input such as a missing mask. */
export type SentenceOutcome<K extends JobKind = JobKind> = { jobId: string } & Outcome<K extends "fill-mask" ? FillMaskResult : ScoreResult>;

export interface SentenceRequest<K extends JobKind = JobKind> {
  kind: K;
  text: string;
  /** Kind options (fill-mask: topK, targets, dropSpecialTokens; score: variant); defaults apply. */
  options?: Partial<KindOptions[K]>;
  /** Id of the submitting user, stored as the job's owner; omitted for anonymous submissions. */
  ownerId?: string | null;
}

export interface CorpusRequest<K extends JobKind = JobKind> {
  kind: K;
  options?: Partial<KindOptions[K]>;
  /** A file path, or a byte stream of the file's contents. */
  source: string | CorpusInput;
  /** Parser options: format (txt, jsonl, csv), field, column, header, delimiter, limits. */
  corpus: CorpusOptions;
  /** File name shown in the dashboard; defaults to the base name of a path source. */
  fileName?: string;
  /** File size in bytes, when the source is a stream; read from the file for a path source. */
  fileSize?: number;
  /** Id of the submitting user, stored as the job's owner; omitted for anonymous submissions. */
  ownerId?: string | null;
}

/** Items a retry queued: `items` is failedItems plus resumedItems. */
export interface RetrySummary {
  jobId: string;
  items: number;
  /** Failed items set back to pending; rows the parser rejected are never counted. */
  failedItems: number;
  /** Items that never ran (a cancelled job, or chunks whose queueing failed). */
  resumedItems: number;
}

export interface CorpusSubmission {
  jobId: string;
  /** Rows stored and queued for inference. */
  rows: number;
  /** Rows the parser rejected, stored as failed items. */
  invalidRows: number;
  chunks: number;
}

const jobIdSchema = z.uuid({ error: "job id must be a UUID" });

/**
 * Producer API shared by the web app and the CLI. It submits sentences and corpora, cancels and
 * retries jobs, reads job and worker state, and sends model load requests to workers. It does not
 * import onnxruntime. Create one per process and close() it at shutdown.
 */
export class MaskfillProducer {
  private readonly interactive: Queue;
  private readonly corpus: Queue;
  private readonly store: JobStore;
  private events: { events: QueueEvents; waiter: SentenceWaiter } | undefined;

  private constructor(
    private readonly config: ProducerConfig,
    private readonly redis: Redis,
    private readonly prisma: PrismaClient,
    private readonly ownsPrisma: boolean,
    private readonly logger: Logger,
  ) {
    const connection = redis;
    this.interactive = new Queue(INTERACTIVE_QUEUE, { connection, prefix: config.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    this.corpus = new Queue(CORPUS_QUEUE, { connection, prefix: config.queuePrefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    logConnectionErrors(redis, "producer", logger);
    logConnectionErrors(this.interactive, `queue:${INTERACTIVE_QUEUE}`, logger);
    logConnectionErrors(this.corpus, `queue:${CORPUS_QUEUE}`, logger);
    this.store = new JobStore(prisma);
  }

  /**
   * Connects to Redis and Postgres. Pass `prisma` to share an existing client (it is then not
   * disconnected by close()), and `logger` to receive connection errors (default: a pino logger
   * named "producer").
   */
  static connect(config: ProducerConfig, options: { prisma?: PrismaClient; logger?: Logger } = {}): MaskfillProducer {
    if (!Number.isInteger(config.chunkSize) || config.chunkSize < 1) {
      throw new InvalidRequestError(`chunkSize must be a whole number of at least 1, got ${config.chunkSize}.`);
    }
    const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false });
    const prisma = options.prisma ?? createPrismaClient(config.databaseUrl);
    return new MaskfillProducer(config, redis, prisma, options.prisma === undefined, options.logger ?? createLogger("producer"));
  }

  /** Stores a sentence job and queues it; returns its id without waiting for the result. */
  async enqueueSentence<K extends JobKind>(request: SentenceRequest<K>): Promise<{ jobId: string }> {
    return this.storeAndQueueSentence(request);
  }

  /**
   * Submits one sentence and waits for its outcome. Throws ResultTimeoutError after `timeoutMs`
   * (the job keeps running and its result still lands in Postgres) and InvalidRequestError for
   * invalid options. Invalid text (for example no mask) comes back as an error outcome.
   */
  async submitSentence<K extends JobKind>(request: SentenceRequest<K>, wait: { timeoutMs?: number } = {}): Promise<SentenceOutcome<K>> {
    const waiter = await this.sentenceWaiter();
    const timeoutMs = wait.timeoutMs ?? 30_000;
    let registered: SentenceWait | undefined;
    // The wait is registered between storing the row (which assigns the id) and queueing the
    // job, so the completion event cannot arrive before its listener.
    const { jobId } = await this.storeAndQueueSentence(request, (id) => {
      registered = waiter.wait(id, timeoutMs);
    }).catch((error: unknown) => {
      registered?.cancel();
      throw error;
    });
    return this.sentenceOutcome<K>(jobId, registered!);
  }

  /** Waits for a queued sentence job; see submitSentence for the errors. */
  async waitForSentence<K extends JobKind>(jobId: string, timeoutMs: number): Promise<SentenceOutcome<K>> {
    const waiter = await this.sentenceWaiter();
    const registered = waiter.wait(jobId, timeoutMs);
    // A job that finished before the wait was registered is read back from Redis.
    const job = await this.redisCall("reading the job", this.interactive.getJob(jobId)).catch((error: unknown) => {
      registered.cancel();
      throw error;
    });
    if (job === undefined) {
      registered.cancel();
      const view = await this.getJob(jobId);
      throw new InvalidRequestError(`Job ${jobId} is no longer in the queue (status ${view.status}); read its result with getJob().`);
    }
    const state = await this.redisCall("reading the job state", job.getState());
    if (state === "completed" || state === "failed") {
      registered.cancel();
      const finished = state === "completed" ? { completed: true as const, returnValue: job.returnvalue } : { completed: false as const, failedReason: job.failedReason };
      return this.sentenceOutcome<K>(jobId, { finished: Promise.resolve(finished), cancel: () => undefined });
    }
    return this.sentenceOutcome<K>(jobId, registered);
  }

  private async storeAndQueueSentence<K extends JobKind>(request: SentenceRequest<K>, beforeQueueing?: (jobId: string) => void): Promise<{ jobId: string }> {
    const { kind, options } = parseKindOptions(request.kind, request.options);
    const payload = { text: request.text, options };
    const checked = jobCatalog[kind].safeParse({ jobId: "00000000-0000-4000-8000-000000000000", ...payload });
    if (!checked.success) throw new InvalidRequestError(describeIssues(`Invalid ${kind} request`, checked.error));
    const jobId = await this.store.createJob({
      kind,
      source: "sentence",
      options,
      modelName: "",
      modelVariant: "",
      items: [{ lineNumber: 1, text: request.text }],
      ownerId: request.ownerId ?? null,
    });
    beforeQueueing?.(jobId);
    try {
      await this.redisCall("queueing the sentence job", this.interactive.add(kind, { jobId, ...payload }, { jobId }));
    } catch (error) {
      await this.store.failJob(jobId, "enqueue_failed", `Queueing the job failed: ${errorMessage(error)}. Submit the sentence again.`);
      throw error;
    }
    return { jobId };
  }

  private async sentenceOutcome<K extends JobKind>(jobId: string, wait: SentenceWait): Promise<SentenceOutcome<K>> {
    const finished = await wait.finished;
    if (!finished.completed) throw new Error(`Job ${jobId} failed: ${finished.failedReason}`);
    const outcome = finished.returnValue as Outcome<K extends "fill-mask" ? FillMaskResult : ScoreResult>;
    return { jobId, ...outcome };
  }

  /**
   * Parses a corpus as a stream, stores its rows in bulk, then queues one chunk job per
   * `chunkSize` rows. Neither Redis nor this process ever stores the whole corpus. Throws
   * CorpusFileError (the job is stored as failed) when the file as a whole is unusable.
   */
  async submitCorpus<K extends JobKind>(request: CorpusRequest<K>): Promise<CorpusSubmission> {
    const { kind, options } = parseKindOptions(request.kind, request.options);
    const fromPath = typeof request.source === "string";
    const fileName = request.fileName ?? (typeof request.source === "string" ? basename(request.source) : undefined);
    const fileSize = typeof request.source === "string" ? await fileSizeOf(request.source) : request.fileSize;
    const jobId = await this.store.createJob({
      kind,
      source: "corpus",
      options,
      modelName: "",
      modelVariant: "",
      ...(fileName === undefined ? {} : { fileName }),
      ...(fileSize === undefined ? {} : { fileSize }),
      ownerId: request.ownerId ?? null,
    });

    const input = typeof request.source === "string" ? createReadStream(request.source) : request.source;
    let summary;
    try {
      const events = parseCorpus(input, { ...request.corpus, ...(fileName === undefined ? {} : { fileName }) });
      summary = await importCorpus(this.store, jobId, events, this.config.chunkSize);
    } catch (error) {
      const code = error instanceof Error && "code" in error && typeof error.code === "string" ? error.code : "import_failed";
      await this.store.failJob(jobId, code, error instanceof Error ? error.message : String(error));
      throw error;
    } finally {
      if (fromPath && "destroy" in input && typeof input.destroy === "function") input.destroy();
    }

    await this.store.finishImport(jobId, summary.rows + summary.invalidRows, summary.invalidRows);
    try {
      await this.enqueueChunks(kind, jobId, options, summary.chunks, 0);
    } catch (error) {
      // The items are stored, so the job can resume: retryFailedItems() queues every pending item.
      await this.store.failJob(jobId, "enqueue_failed", `Queueing the chunk jobs failed: ${errorMessage(error)}. Retry the job to queue its pending items.`);
      throw error;
    }
    return { jobId, rows: summary.rows, invalidRows: summary.invalidRows, chunks: summary.chunks.length };
  }

  /**
   * Cancels a queued or running job: its remaining chunks finish without running inference and
   * its pending items stay pending. Returns the job's state; throws JobNotFoundError for an unknown id.
   */
  async cancelJob(jobId: string): Promise<JobView> {
    const id = parseJobId(jobId);
    await this.store.cancelJob(id);
    const view = await this.getJob(id);
    if (view.source === "sentence") await this.redisCall("removing the job", this.interactive.remove(id)).catch(() => 0);
    return view;
  }

  /**
   * Queues a finished job's failed items again, and resumes a cancelled (or enqueue-failed) job by
   * also queueing the items that never ran. Rows the corpus parser rejected keep their error.
   * Throws InvalidRequestError while the job is still queued or running.
   */
  async retryFailedItems(jobId: string): Promise<RetrySummary> {
    const id = parseJobId(jobId);
    const view = await this.getJob(id);
    if (view.status === "queued" || view.status === "running") {
      throw new InvalidRequestError(`Job ${id} is ${view.status}; retry its failed items after it finishes, or cancel it first.`);
    }
    const failedItems = await this.store.resetFailedItems(id);
    const lines = await this.store.pendingLineNumbers(id);
    const summary = { jobId: id, items: lines.length, failedItems, resumedItems: lines.length - failedItems };
    if (lines.length === 0) return summary;
    const options = kindOptions[view.kind].parse(view.options);

    if (view.source === "sentence") {
      const text = await this.store.sentenceText(id);
      if (text === null) throw new JobNotFoundError(`Job ${id} has no item to retry.`);
      await this.redisCall("queueing the sentence job", this.interactive.add(view.kind, { jobId: id, text, options }, { jobId: `${id}-r${Date.now()}` }));
    } else {
      await this.enqueueChunks(view.kind, id, options, chunkLineNumbers(lines, this.config.chunkSize), Date.now());
    }
    return summary;
  }

  /** Returns a job's state and progress; throws JobNotFoundError for an unknown id. */
  async getJob(jobId: string): Promise<JobView> {
    const id = parseJobId(jobId);
    const view = await this.store.getJob(id);
    if (view === null) throw new JobNotFoundError(`No job has id ${id}.`);
    return view;
  }

  /** Returns the published state of every live worker. */
  async listWorkers(): Promise<WorkerState[]> {
    return this.redisCall("reading worker states", readWorkerStates(this.redis, this.config.queuePrefix));
  }

  /**
   * Sends workers a request to load a model directory (or to reload their current model when
   * `modelDir` is omitted). Without `workerId`, each worker that loads the directory stores it as
   * the fleet's choice, so workers started later load it too. A failed load stores nothing.
   * Returns how many workers received the message; watch listWorkers() for the outcome.
   */
  async loadModel(request: Omit<LoadModelMessage, "type">): Promise<{ receivers: number }> {
    const parsed = loadModelMessageSchema.safeParse({ type: "load-model", ...request });
    if (!parsed.success) throw new InvalidRequestError(describeIssues("Invalid load-model request", parsed.error));
    const message = parsed.data;
    const receivers = await this.redisCall("publishing the load request", this.redis.publish(redisKeys.control(this.config.queuePrefix), JSON.stringify(message)));
    return { receivers };
  }

  /** Closes the queues and connections, and rejects every sentence wait still registered. */
  async close(): Promise<void> {
    const timeoutMs = this.config.redisTimeoutMs ?? 10_000;
    const opened = this.events;
    this.events = undefined;
    if (opened !== undefined) {
      opened.waiter.rejectAll(new QueueUnavailableError("The producer closed before the job finished."));
      // NOTE: QueueEvents.close() first waits for its connection to be ready. While Redis is
      // unreachable that wait has no end, so close() stops waiting after redisTimeoutMs and the
      // events connection keeps retrying until Redis is back, when its close finishes.
      const closing = opened.events.close().catch((error: unknown) => {
        this.logger.warn({ connection: `events:${INTERACTIVE_QUEUE}`, err: errorMessage(error) }, "Closing the queue events connection failed");
      });
      await withinTime(closing, timeoutMs);
    }
    await closeSharedConnection(this.redis, [this.interactive, this.corpus], timeoutMs);
    if (this.ownsPrisma) await this.prisma.$disconnect();
  }

  private async enqueueChunks(kind: JobKind, jobId: string, options: object, chunks: ChunkRange[], attempt: number): Promise<void> {
    const name = chunkJobName(kind);
    // addBulk in slices keeps each Redis transaction small for corpora with thousands of chunks.
    for (let i = 0; i < chunks.length; i += 500) {
      const slice = chunks.slice(i, i + 500);
      await this.redisCall("queueing chunk jobs", this.corpus.addBulk(
        slice.map((chunk, j) => ({
          name,
          data: { jobId, start: chunk.start, end: chunk.end, options },
          opts: { jobId: chunkJobId(jobId, attempt, i + j) },
        })),
      ));
    }
  }

  /**
   * Waits for a Redis operation for at most redisTimeoutMs. BullMQ calls wait without limit while
   * Redis is unreachable, which would hang an HTTP request. The operation itself is not
   * cancelled and may still complete later.
   */
  private async redisCall<T>(what: string, operation: Promise<T>): Promise<T> {
    const timeoutMs = this.config.redisTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueUnavailableError(`Redis did not respond within ${timeoutMs} ms while ${what}; check that Redis at REDIS_URL is running.`)), timeoutMs);
    });
    try {
      return await Promise.race([operation, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Returns the waiter of the interactive queue's events, once its connection is ready. The
   * QueueEvents object is kept when Redis does not respond in time: its connection keeps
   * retrying, so a later call succeeds once Redis is back.
   */
  private async sentenceWaiter(): Promise<SentenceWaiter> {
    if (this.events === undefined) {
      const events = new QueueEvents(INTERACTIVE_QUEUE, {
        // QueueEvents blocks on Redis, so its connection must retry without limit.
        connection: { ...this.redis.options, maxRetriesPerRequest: null },
        prefix: this.config.queuePrefix,
      });
      logConnectionErrors(events, `events:${INTERACTIVE_QUEUE}`, this.logger);
      this.events = { events, waiter: new SentenceWaiter(events) };
    }
    const { events, waiter } = this.events;
    await this.redisCall("connecting to queue events", events.waitUntilReady());
    return waiter;
  }
}

function parseKindOptions<K extends JobKind>(kind: K, options: unknown): { kind: K; options: KindOptions[K] } {
  if (!Object.hasOwn(kindOptions, kind)) {
    throw new InvalidRequestError(`Unknown kind "${String(kind)}"; use one of ${Object.keys(kindOptions).join(", ")}.`);
  }
  const parsed = kindOptions[kind].safeParse(options ?? {});
  if (!parsed.success) throw new InvalidRequestError(describeIssues(`Invalid ${kind} options`, parsed.error));
  return { kind, options: parsed.data as KindOptions[K] };
}

/** Returns an error's message without its final period, for use inside a longer sentence. */
function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, "");
}

function parseJobId(jobId: string): string {
  const parsed = jobIdSchema.safeParse(jobId);
  if (!parsed.success) throw new JobNotFoundError(`No job has id ${JSON.stringify(jobId)}: a job id is a UUID.`);
  return parsed.data;
}

function describeIssues(prefix: string, error: z.ZodError): string {
  return `${prefix}: ${error.issues.map((issue) => `${issue.path.join(".") || "value"}: ${issue.message}`).join("; ")}.`;
}

async function fileSizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidRequestError(`Cannot read corpus file ${path}: ${reason}. Check the path.`);
  }
}
