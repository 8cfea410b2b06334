import { JobMissingError, type JobWrite, type Logger, type ResultWriter, type WriteSummary } from "@maskfill/core/queue";
import { withRetry } from "./retry.ts";

/** Most jobs stored by one transaction. */
const MAX_WRITES_PER_TRANSACTION = 64;

interface PendingWrite {
  write: JobWrite;
  resolve: (summary: WriteSummary) => void;
  reject: (error: unknown) => void;
}

/**
 * Stores the results of single-sentence jobs that finish close together in one transaction
 * (ResultWriter.writeMany), because a transaction per sentence costs more CPU than its
 * inference under load. While one transaction runs, new writes wait and go into the next one, so
 * an idle worker writes at once and a busy one writes larger groups. When a group fails, each of
 * its writes is retried alone, so one bad job cannot fail the others.
 */
export class SentenceWriteQueue {
  private pending: PendingWrite[] = [];
  private flushing = false;

  constructor(
    private readonly writer: ResultWriter,
    private readonly logger: Logger,
  ) {}

  /** Stores one job's outcomes with the guarantees of ResultWriter.write and resolves with its summary. */
  write(write: JobWrite): Promise<WriteSummary> {
    return new Promise((resolve, reject) => {
      this.pending.push({ write, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.pending.length > 0) await this.writeGroup(this.takeGroup());
    } finally {
      this.flushing = false;
    }
  }

  /** Removes up to MAX_WRITES_PER_TRANSACTION writes of distinct jobs from the queue. */
  private takeGroup(): PendingWrite[] {
    const group: PendingWrite[] = [];
    const jobIds = new Set<string>();
    const rest: PendingWrite[] = [];
    for (const entry of this.pending) {
      if (group.length < MAX_WRITES_PER_TRANSACTION && !jobIds.has(entry.write.jobId)) {
        group.push(entry);
        jobIds.add(entry.write.jobId);
      } else {
        rest.push(entry);
      }
    }
    this.pending = rest;
    return group;
  }

  private async writeGroup(group: PendingWrite[]): Promise<void> {
    let results: (WriteSummary | JobMissingError)[];
    try {
      results = await this.writer.writeMany(group.map((entry) => entry.write));
    } catch (error) {
      this.logger.warn({ jobs: group.length, err: error instanceof Error ? error.message : String(error) }, "Grouped result write failed; writing each job alone");
      await Promise.all(group.map((entry) => this.writeAlone(entry)));
      return;
    }
    results.forEach((result, i) => {
      const entry = group[i]!;
      if (result instanceof JobMissingError) entry.reject(result);
      else entry.resolve(result);
    });
  }

  private async writeAlone(entry: PendingWrite): Promise<void> {
    try {
      entry.resolve(await writeWithRetry(this.writer, this.logger, entry.write));
    } catch (error) {
      entry.reject(error);
    }
  }
}

/**
 * Stores one job's outcomes in a transaction of its own, retried with backoff, so a write survives
 * Postgres being unreachable for a moment without running inference again.
 */
export function writeWithRetry(writer: ResultWriter, logger: Logger, { jobId, data, model, startedAt }: JobWrite): Promise<WriteSummary> {
  return withRetry(() => writer.write(jobId, data, model, startedAt), {
    attempts: 4,
    baseDelayMs: 250,
    onRetry: (error, attempt) => logger.warn({ jobId, attempt, err: error instanceof Error ? error.message : String(error) }, "Result write failed, retrying"),
  });
}
