/**
 * Inference thread: runs the Engine off the main thread. In onnxruntime-node 1.31 session.run
 * executes synchronously on the calling thread, so on the main thread it would delay BullMQ lock
 * renewal, state publishing and signal handling for the length of each batch.
 */
import { parentPort } from "node:worker_threads";
import { Engine, defaultModelDir, isBundledModelDir } from "@maskfill/core/engine";
import type { LoadModelOptions, Outcome } from "@maskfill/core/engine";
import type { InferenceReply, LoadedModel, SerializedError, ThreadReply, ThreadRequest, ThreadValue } from "./protocol.ts";

if (parentPort === null) throw new Error("thread.ts must run in a worker thread.");
const port = parentPort;

let engine: Engine | undefined;
let sessionRuns = 0;

/** Loads a model and runs one warm-up request; the previous engine keeps serving if this fails. */
async function load(options: LoadModelOptions): Promise<LoadedModel> {
  const modelDir = options.modelDir === "" ? defaultModelDir() : options.modelDir;
  const next = await Engine.load({ ...options, modelDir });
  countSessionRuns(next);
  const started = performance.now();
  await next.fillMask([{ text: `Hello ${next.info.maskToken}.`, topK: 1 }]);
  const warmupMs = performance.now() - started;
  const previous = engine;
  engine = next;
  await previous?.dispose();
  return { info: next.info, warmupMs, demoModel: isBundledModelDir(next.info.modelDir) };
}

/** Counts onnxruntime session runs through the runner's public plan, so batch reports can show them. */
function countSessionRuns(target: Engine): void {
  const runner = target.runner;
  const run = runner.run.bind(runner);
  runner.run = async (requests, visit) => {
    sessionRuns += runner.plan(requests).batches.length;
    return run(requests, visit);
  };
}

function current(): Engine {
  if (engine === undefined) {
    throw Object.assign(new Error("No model is loaded in this worker yet."), { retryable: true });
  }
  return engine;
}

async function infer<R>(call: () => Promise<Outcome<R>[]>): Promise<InferenceReply<R>> {
  const before = sessionRuns;
  const outcomes = await call();
  return { outcomes, sessionRuns: sessionRuns - before };
}

async function handle(message: ThreadRequest): Promise<ThreadValue> {
  switch (message.type) {
    case "load":
      return load(message.options);
    case "fill-mask": {
      const target = current();
      return infer(() => target.fillMask(message.requests));
    }
    case "score": {
      const target = current();
      return infer(() => target.score(message.requests));
    }
    case "dispose":
      await engine?.dispose();
      engine = undefined;
      return null;
  }
}

function serialize(error: unknown): SerializedError {
  if (error instanceof Error) {
    const retryable = "retryable" in error && typeof error.retryable === "boolean" ? error.retryable : true;
    return { name: error.name, message: error.message, retryable };
  }
  return { name: "Error", message: String(error), retryable: true };
}

port.on("message", (message: ThreadRequest) => {
  handle(message).then(
    (value) => port.postMessage({ type: "reply", id: message.id, ok: true, value } satisfies ThreadReply),
    (error: unknown) => port.postMessage({ type: "reply", id: message.id, ok: false, error: serialize(error) } satisfies ThreadReply),
  );
});
