import type { QueueEvents } from "bullmq";
import { ResultTimeoutError } from "./errors.ts";

/** Outcome of a waited-for job: its return value, or the reason of its final failure. */
export type FinishedJob = { completed: true; returnValue: unknown } | { completed: false; failedReason: string };

interface PendingWait {
  resolve: (finished: FinishedJob) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/** A registered wait: `finished` settles when the job ends, and `cancel` stops waiting. */
export interface SentenceWait {
  finished: Promise<FinishedJob>;
  cancel: () => void;
}

/**
 * Waits for many jobs of one queue with two listeners on its QueueEvents stream, instead of
 * BullMQ's `waitUntilFinished`, which adds listeners per job and reads the job's state from
 * Redis once more. Register a wait before adding the job, so that its completion event cannot
 * arrive before the listener exists.
 */
export class SentenceWaiter {
  private readonly pending = new Map<string, PendingWait>();

  constructor(events: QueueEvents) {
    events.on("completed", ({ jobId, returnvalue }) => this.settle(jobId, { completed: true, returnValue: returnvalue }));
    events.on("failed", ({ jobId, failedReason }) => this.settle(jobId, { completed: false, failedReason }));
  }

  /**
   * Registers a wait for `jobId`. Its promise rejects with ResultTimeoutError after `timeoutMs`;
   * the job itself keeps running.
   * Throws RangeError when the job already has a wait registered, because both callers would
   * need the one event.
   */
  wait(jobId: string, timeoutMs: number): SentenceWait {
    if (this.pending.has(jobId)) throw new RangeError(`Job ${jobId} already has a registered wait`);
    let cancel = (): void => undefined;
    const finished = new Promise<FinishedJob>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(jobId);
        reject(new ResultTimeoutError(`No result for job ${jobId} within ${timeoutMs} ms; is a worker running? The job stays queued.`, jobId));
      }, timeoutMs);
      this.pending.set(jobId, { resolve, reject, timer });
      cancel = () => {
        clearTimeout(timer);
        this.pending.delete(jobId);
      };
    });
    return { finished, cancel };
  }

  /** Rejects every registered wait with `error`, for example when the producer closes. */
  rejectAll(error: Error): void {
    for (const [jobId, wait] of this.pending) {
      clearTimeout(wait.timer);
      this.pending.delete(jobId);
      wait.reject(error);
    }
  }

  private settle(jobId: string, finished: FinishedJob): void {
    const wait = this.pending.get(jobId);
    if (wait === undefined) return;
    clearTimeout(wait.timer);
    this.pending.delete(jobId);
    wait.resolve(finished);
  }
}
