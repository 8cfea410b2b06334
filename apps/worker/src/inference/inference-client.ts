import { Worker } from "node:worker_threads";
import type {
  FillMaskRequest,
  FillMaskResult,
  LoadModelOptions,
  ScoreRequest,
  ScoreResult,
} from "@maskfill/core/engine";
import type { InferenceReply, LoadedModel, SerializedError, ThreadReply, ThreadRequest, ThreadValue } from "./protocol.ts";

/** An engine error re-raised on the main thread, keeping the engine's name and retry flag. */
export class InferenceThreadError extends Error {
  override readonly name: string;
  readonly retryable: boolean;

  constructor(error: SerializedError) {
    super(error.message);
    this.name = error.name;
    this.retryable = error.retryable;
  }
}

/** Raised when the inference thread exits or crashes; in-flight jobs can run again elsewhere, so a retry helps. */
export class InferenceThreadExitedError extends Error {
  override readonly name = "InferenceThreadExitedError";
  readonly retryable = true;
}

type Pending = { resolve(value: ThreadValue): void; reject(error: Error): void };

/** Main-thread proxy of the Engine that runs in a worker thread. */
export class InferenceClient {
  private readonly thread: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exitError: Error | undefined;

  /** Starts the inference thread; `onExit` fires if it stops without close(). */
  constructor(private readonly onExit?: (error: Error) => void) {
    this.thread = new Worker(new URL("./thread-boot.js", import.meta.url));
    this.thread.on("message", (reply: ThreadReply) => this.settle(reply));
    this.thread.on("error", (error) => this.fail(error));
    this.thread.on("exit", (code) => this.fail(new InferenceThreadExitedError(`The inference thread exited with code ${code}.`)));
  }

  /** Loads a model in the thread (an empty modelDir means the bundled model) and warms it up; on failure the previous model stays loaded. */
  async load(options: LoadModelOptions): Promise<LoadedModel> {
    return (await this.call({ type: "load", id: 0, options })) as LoadedModel;
  }

  /** Runs fill-mask on the loaded model; per-request failures come back as outcomes. */
  async fillMask(requests: FillMaskRequest[]): Promise<InferenceReply<FillMaskResult>> {
    return (await this.call({ type: "fill-mask", id: 0, requests })) as InferenceReply<FillMaskResult>;
  }

  /** Computes pseudo-log-likelihoods on the loaded model; per-request failures come back as outcomes. */
  async score(requests: ScoreRequest[]): Promise<InferenceReply<ScoreResult>> {
    return (await this.call({ type: "score", id: 0, requests })) as InferenceReply<ScoreResult>;
  }

  /** Disposes the engine and stops the thread. */
  async close(): Promise<void> {
    if (this.exitError === undefined) {
      await this.call({ type: "dispose", id: 0 }).catch(() => undefined);
      this.exitError = new InferenceThreadExitedError("The inference thread was closed.");
    }
    await this.thread.terminate();
  }

  private call(message: ThreadRequest): Promise<ThreadValue> {
    if (this.exitError !== undefined) return Promise.reject(this.exitError);
    const id = this.nextId++;
    return new Promise<ThreadValue>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread.postMessage({ ...message, id });
    });
  }

  private settle(reply: ThreadReply): void {
    const pending = this.pending.get(reply.id);
    if (pending === undefined) return;
    this.pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(new InferenceThreadError(reply.error));
  }

  private fail(error: Error): void {
    const expected = this.exitError !== undefined;
    this.exitError ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    if (!expected) this.onExit?.(error);
  }
}
