import { UnrecoverableError, type Job } from "bullmq";
import type { FillMaskResult, Outcome, ScoreRequest, ScoreResult } from "@maskfill/core/engine";
import { mergeScoreParts } from "@maskfill/core/scoring";
import {
  InvalidPayloadError,
  kindOfJobName,
  parseJobPayload,
  type ChunkPayload,
  type JobKind,
  type JobStore,
  type KindOptions,
  type KindOutcomes,
  type Logger,
  type ResultWriter,
  type SentencePayload,
} from "@maskfill/core/queue";
import type { MicroBatcher, Priority, SubmittedEntry } from "../batching/micro-batcher.ts";
import type { ModelManager } from "./model-manager.ts";
import { batchTokens, scorePartCopies, toEngineRequest, type EngineRequest } from "./requests.ts";
import { writeWithRetry, type SentenceWriteQueue } from "./sentence-writes.ts";

type AnyOutcome = Outcome<FillMaskResult> | Outcome<ScoreResult>;

/** Components the processors share with the worker service. */
export interface ProcessorDeps {
  batcher: MicroBatcher<JobKind, EngineRequest, AnyOutcome>;
  models: ModelManager;
  store: JobStore;
  writer: ResultWriter;
  /** Groups the result writes of single-sentence jobs into shared transactions. */
  sentenceWrites: SentenceWriteQueue;
  logger: Logger;
}

/** Return value of a chunk job. */
export interface ChunkResult {
  /** Items this attempt moved to completed or failed; 0 when an earlier attempt already had. */
  changed: number;
  /** Set when the job was cancelled or already finished, so nothing ran. */
  skipped?: "cancelled" | "finished";
}

/**
 * Validates a job's payload and returns it with its kind. An invalid payload fails the job at
 * once (UnrecoverableError), and the job row, when its id is readable, is marked failed.
 */
async function readPayload<P>(job: Job, deps: ProcessorDeps): Promise<{ kind: JobKind; payload: P }> {
  const kind = kindOfJobName(job.name);
  try {
    const payload = parseJobPayload(job.name, job.data) as P;
    return { kind: kind!, payload };
  } catch (error) {
    if (!(error instanceof InvalidPayloadError)) throw error;
    const jobId = typeof job.data === "object" && job.data !== null && "jobId" in job.data ? job.data.jobId : undefined;
    if (typeof jobId === "string" && /^[0-9a-f-]{36}$/i.test(jobId)) {
      await deps.store.failJob(jobId, "invalid_payload", error.message).catch(() => undefined);
    }
    throw new UnrecoverableError(error.message);
  }
}

function asKindOutcomes(kind: JobKind, outcomes: { lineNumber: number; outcome: AnyOutcome }[]): KindOutcomes {
  return kind === "fill-mask"
    ? { kind, outcomes: outcomes as { lineNumber: number; outcome: Outcome<FillMaskResult> }[] }
    : { kind, outcomes: outcomes as { lineNumber: number; outcome: Outcome<ScoreResult> }[] };
}

/**
 * Wraps a processor so that errors marked `retryable: false` (an invalid row, a deleted job, a
 * model that cannot run the request) fail the job at once instead of using up its retries.
 */
function failFastOnPermanentErrors<R>(processor: (job: Job) => Promise<R>): (job: Job) => Promise<R> {
  return async (job) => {
    try {
      return await processor(job);
    } catch (error) {
      const permanent = error instanceof Error && "retryable" in error && error.retryable === false;
      if (permanent && !(error instanceof UnrecoverableError)) throw new UnrecoverableError(`${error.name}: ${error.message}`);
      throw error;
    }
  };
}

/**
 * Runs one sentence through the batcher. A score request whose masked copies exceed the token
 * budget runs in parts of consecutive token positions, one part in the batcher at a time, so a
 * request submitted meanwhile waits for one part instead of the whole sentence. The parts are
 * merged into the same result as scoring the sentence whole.
 */
async function runSentence<K extends JobKind>(deps: ProcessorDeps, kind: K, text: string, options: KindOptions[K], priority: Priority, jobId: string): Promise<AnyOutcome> {
  const request = toEngineRequest(kind, text, options);
  const tokens = deps.models.countTokens(text);
  const copies = kind === "score" ? scorePartCopies(tokens, deps.batcher.tokenBudget) : null;
  if (copies === null) {
    return deps.batcher.submit({ kind, request, priority, jobId, tokens: batchTokens(kind, tokens) });
  }

  // The first part's result gives the text's token count, which sizes the last part.
  const part = (start: number, textTokenCount: number): SubmittedEntry<JobKind, EngineRequest> => {
    const count = Math.min(copies, textTokenCount - start + 1);
    return { kind, request: { ...(request as ScoreRequest), tokenRange: { start, end: start + count } }, priority, jobId, tokens: count * tokens };
  };
  const outcomes = await deps.batcher.submitParts(part(1, Number.POSITIVE_INFINITY), (outcome) => {
    const range = outcome.ok ? (outcome.value as ScoreResult).part : undefined;
    if (range === undefined || range.end > range.textTokenCount) return null;
    return part(range.end, range.textTokenCount);
  });
  const failed = outcomes.find((outcome) => !outcome.ok);
  if (failed !== undefined) return failed;
  return { ok: true, value: mergeScoreParts(outcomes.map((outcome) => (outcome as { value: ScoreResult }).value)) };
}

/** Creates the processor of single-sentence jobs: one interactive request, result written and returned. */
export function createSentenceProcessor(deps: ProcessorDeps) {
  return failFastOnPermanentErrors(async (job: Job): Promise<AnyOutcome> => {
    const { kind, payload } = await readPayload<SentencePayload>(job, deps);
    const model = deps.models.current();
    const startedAt = new Date();
    const outcome = await runSentence(deps, kind, payload.text, payload.options, "interactive", payload.jobId);
    const summary = await deps.sentenceWrites.write({ jobId: payload.jobId, data: asKindOutcomes(kind, [{ lineNumber: 1, outcome }]), model, startedAt });
    if (summary.jobStatus === "cancelled") throw new UnrecoverableError(`Job ${payload.jobId} was cancelled.`);
    return outcome;
  });
}

/** Creates the processor of corpus chunk jobs: reads the chunk's pending items, runs them in bulk priority, writes all results in one transaction. */
export function createChunkProcessor(deps: ProcessorDeps) {
  return failFastOnPermanentErrors(async (job: Job): Promise<ChunkResult> => {
    const { kind, payload } = await readPayload<ChunkPayload>(job, deps);
    const model = deps.models.current();
    const status = await deps.store.startJob(payload.jobId, model);
    if (status === null) throw new UnrecoverableError(`Job ${payload.jobId} does not exist; it may have been deleted.`);
    if (status === "cancelled") return { changed: 0, skipped: "cancelled" };
    if (status === "completed") return { changed: 0, skipped: "finished" };

    const items = await deps.store.pendingItems(payload.jobId, payload.start, payload.end);
    const outcomes = await Promise.all(
      items.map(async (item) => ({
        lineNumber: item.lineNumber,
        outcome: await runSentence(deps, kind, item.text, payload.options, "bulk", payload.jobId),
      })),
    );
    const summary = await writeWithRetry(deps.writer, deps.logger, { jobId: payload.jobId, data: asKindOutcomes(kind, outcomes), model });
    if (summary.itemsTotal > 0) {
      const percent = Math.floor((100 * (summary.itemsDone + summary.itemsFailed)) / summary.itemsTotal);
      await job.updateProgress({ percent, itemsDone: summary.itemsDone, itemsFailed: summary.itemsFailed, itemsTotal: summary.itemsTotal });
    }
    return { changed: summary.changed };
  });
}
