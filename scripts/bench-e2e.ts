// End-to-end benchmark of the job pipeline: a masked corpus goes through Redis/BullMQ, a worker
// (micro-batcher + inference thread) and bulk writes to Postgres, compared with the engine alone
// on the same sentences. Also measures how long session.run blocks the event loop.
// Run: npm run bench:e2e -- [--model DIR] [--sentences N] [--json] [--help]
import { readFile } from "node:fs/promises";
import { availableParallelism, cpus } from "node:os";
import { Readable } from "node:stream";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Engine, type FillMaskRequest } from "../packages/core/src/engine/index.ts";
import { MaskfillProducer, createLogger, loadConfig } from "../packages/core/src/queue/index.ts";
import { createTestDatabase } from "../packages/core/src/testing/index.ts";
import { InferenceClient } from "../apps/worker/src/inference/inference-client.ts";
import { WorkerService } from "../apps/worker/src/service/worker-service.ts";

const USAGE = `Usage: npm run bench:e2e -- [options]

Pushes masked sentences through the queue to Postgres with one in-process worker and reports
sentences/s and the time the pipeline adds per sentence over the engine alone.

Options:
  --model DIR          model directory (default: the tiny test model)
  --sentences N        masked sentences to run (default: 20000)
  --token-budget N     padded tokens per batch, worker and engine alike (default: 2048)
  --chunk-size N       items per chunk job (default: 256)
  --concurrency N      chunk jobs the worker holds at once (default: 4)
  --threads N          onnxruntime intra-op threads (default: one per CPU)
  --spinning on|off    idle onnxruntime threads spin or sleep, worker and engine alike (default: on,
                       the engine's default; the worker's own default is off)
  --json               print the results as JSON
  -h, --help           show this help

Needs Redis (REDIS_URL) and a PostgreSQL server (TEST_DATABASE_URL); it creates and drops its
own database and uses its own queue prefix.`;

const TINY_MODEL_DIR = fileURLToPath(new URL("../packages/core/test/fixtures/tiny-roberta", import.meta.url));
const SENTENCES_FILE = fileURLToPath(new URL("data/fortune-sentences.txt", import.meta.url));

function integerOption(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new Error(`--${name} must be an integer of at least ${min}; got "${value}".`);
  return parsed;
}

/**
 * Returns `count` masked sentences: the fortune sentences in file order (repeated if needed),
 * each with one word, picked by a fixed rule from its position, replaced by the mask token.
 * Lines with control characters (a few fortunes contain backspaces) are left out, because the
 * corpus parser rejects them and the two sides would then run different inputs.
 */
async function maskedSentences(count: number, maskToken: string): Promise<string[]> {
  const lines = (await readFile(SENTENCES_FILE, "utf8"))
    .split("\n")
    .filter((line) => line.trim() !== "" && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(line));
  const result: string[] = [];
  for (let i = 0; result.length < count; i += 1) {
    const words = lines[i % lines.length]!.split(" ");
    const target = (i * 7919) % words.length;
    words[target] = words[target]!.replace(/[\p{L}\p{N}']+/u, maskToken);
    if (!words[target]!.includes(maskToken)) words[target] = maskToken;
    result.push(words.join(" "));
  }
  return result;
}

/** Returns the CPU time (user plus system, all threads) this process used since `start`, in ms. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Runs `work` while sampling event-loop delay; returns the work's result and the max delay in ms. */
async function withLoopDelay<T>(work: () => Promise<T>): Promise<{ value: T; maxDelayMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const value = await work();
  histogram.disable();
  return { value, maxDelayMs: histogram.max / 1e6 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: "string" },
      sentences: { type: "string" },
      "token-budget": { type: "string" },
      "chunk-size": { type: "string" },
      concurrency: { type: "string" },
      threads: { type: "string" },
      spinning: { type: "string", default: "on" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const modelDir = values.model ?? TINY_MODEL_DIR;
  const count = integerOption("sentences", values.sentences, 20_000, 1);
  const tokenBudget = integerOption("token-budget", values["token-budget"], 2048, 1);
  const chunkSize = integerOption("chunk-size", values["chunk-size"], 256, 1);
  const concurrency = integerOption("concurrency", values.concurrency, 4, 1);
  const threads = integerOption("threads", values.threads, availableParallelism(), 1);
  const spinning = values.spinning;
  if (spinning !== "on" && spinning !== "off") throw new Error(`--spinning must be on or off; got "${spinning}".`);
  const log = (line: string) => process.stderr.write(`${line}\n`);

  // 1. The engine alone, on the main thread, in calls of 512 requests. It runs once before and
  // once after the pipeline, and the mean is compared, so a change in machine load during the
  // run (other processes on a shared machine) affects both sides alike.
  const engine = await Engine.load({ modelDir, tokenBudget, intraOpThreads: threads, threadSpinning: spinning === "on" });
  const texts = await maskedSentences(count, engine.info.maskToken);
  const requests: FillMaskRequest[] = texts.map((text) => ({ text, topK: 5 }));
  await engine.fillMask(requests.slice(0, 64));
  const timeEngine = async (): Promise<{ ms: number; cpuMs: number; failures: number }> => {
    log(`Engine alone: ${count} sentences on ${engine.info.name}...`);
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    let failures = 0;
    for (let i = 0; i < requests.length; i += 512) {
      const outcomes = await engine.fillMask(requests.slice(i, i + 512));
      failures += outcomes.filter((outcome) => !outcome.ok).length;
    }
    return { ms: performance.now() - started, cpuMs: cpuMsSince(cpuStart), failures };
  };
  const engineBefore = await timeEngine();

  // 2. How long one large batch blocks the event loop, on the main thread and in the inference thread.
  const blockingBatch = requests.slice(0, Math.max(1, Math.floor(tokenBudget / 24)));
  const onMain = await withLoopDelay(() => engine.fillMask(blockingBatch));
  const client = new InferenceClient();
  await client.load({ modelDir, tokenBudget, intraOpThreads: threads, threadSpinning: spinning === "on" });
  const inThread = await withLoopDelay(() => client.fillMask(blockingBatch));
  await client.close();

  // 3. The pipeline: corpus import, queue, worker, bulk writes.
  const db = await createTestDatabase();
  const prefix = `bench-${Date.now()}`;
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: db.url,
    MASKFILL_QUEUE_PREFIX: prefix,
    MASKFILL_MODEL_DIR: modelDir,
    MASKFILL_TOKEN_BUDGET: String(tokenBudget),
    MASKFILL_CHUNK_SIZE: String(chunkSize),
    MASKFILL_CONCURRENCY: String(concurrency),
    MASKFILL_INTRA_OP_THREADS: String(threads),
    MASKFILL_THREAD_SPINNING: spinning,
    LOG_LEVEL: "warn",
  });
  const worker = await WorkerService.start(config, createLogger("bench-worker", "warn"));
  const producer = MaskfillProducer.connect(config);
  let result;
  try {
    log(`Pipeline: importing ${count} sentences...`);
    const importStart = performance.now();
    const submission = await producer.submitCorpus({
      kind: "fill-mask",
      source: Readable.from([Buffer.from(texts.join("\n") + "\n")]),
      corpus: { format: "txt" },
      fileName: "bench.txt",
    });
    const importMs = performance.now() - importStart;
    log(`Pipeline: running ${submission.chunks} chunks...`);
    const processStart = performance.now();
    const processCpuStart = process.cpuUsage();
    let view = await producer.getJob(submission.jobId);
    while (view.status === "queued" || view.status === "running") {
      await new Promise((resolve) => setTimeout(resolve, 100));
      view = await producer.getJob(submission.jobId);
    }
    const processMs = performance.now() - processStart;
    const processCpuMs = cpuMsSince(processCpuStart);
    const batches = worker.recentBatches;
    await worker.stop("benchmark finished");
    const engineAfter = await timeEngine();
    await engine.dispose();
    const engineMs = (engineBefore.ms + engineAfter.ms) / 2;
    const engineCpuMs = (engineBefore.cpuMs + engineAfter.cpuMs) / 2;
    result = {
      model: modelDir,
      sentences: count,
      cpu: `${cpus()[0]?.model ?? "unknown"} x ${availableParallelism()}`,
      settings: { tokenBudget, chunkSize, concurrency, threads, spinning },
      engine: {
        ms: Math.round(engineMs),
        beforeMs: Math.round(engineBefore.ms),
        afterMs: Math.round(engineAfter.ms),
        sentencesPerSecond: Math.round((count * 1000) / engineMs),
        cpuMs: Math.round(engineCpuMs),
        failures: engineBefore.failures,
      },
      pipeline: {
        status: view.status,
        itemsDone: view.itemsDone,
        itemsFailed: view.itemsFailed,
        importMs: Math.round(importMs),
        processMs: Math.round(processMs),
        processCpuMs: Math.round(processCpuMs),
        sentencesPerSecond: Math.round((count * 1000) / processMs),
        endToEndSentencesPerSecond: Math.round((count * 1000) / (importMs + processMs)),
        meanBatchSize: Math.round(batches.reduce((sum, batch) => sum + batch.size, 0) / Math.max(1, batches.length)),
      },
      overheadMsPerSentence: Math.round(((processMs - engineMs) / count) * 1000) / 1000,
      throughputRatio: Math.round((engineMs / processMs) * 1000) / 1000,
      // CPU time of this process (all threads), which other load on the machine disturbs less
      // than wall time. It leaves out the Redis and PostgreSQL servers' own CPU time.
      cpuOverheadMsPerSentence: Math.round(((processCpuMs - engineCpuMs) / count) * 1000) / 1000,
      eventLoop: { batchSize: blockingBatch.length, maxDelayOnMainThreadMs: Math.round(onMain.maxDelayMs), maxDelayWithInferenceThreadMs: Math.round(inThread.maxDelayMs) },
    };
  } finally {
    await producer.close();
    await worker.stop("benchmark finished");
    await db.drop();
  }

  if (values.json) {
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  console.log(
    [
      `model ${result.model}, ${result.sentences} sentences, ${result.cpu}`,
      `engine alone:   ${result.engine.sentencesPerSecond} sentences/s (mean of ${result.engine.beforeMs} ms before and ${result.engine.afterMs} ms after the pipeline)`,
      `pipeline:       ${result.pipeline.sentencesPerSecond} sentences/s (${result.pipeline.processMs} ms after an import of ${result.pipeline.importMs} ms; ${result.pipeline.endToEndSentencesPerSecond} sentences/s end to end)`,
      `overhead:       ${result.overheadMsPerSentence} ms per sentence; pipeline reaches ${(result.throughputRatio * 100).toFixed(1)}% of the engine's throughput`,
      `CPU time:       engine ${result.engine.cpuMs} ms, pipeline ${result.pipeline.processCpuMs} ms in this process: ${result.cpuOverheadMsPerSentence} ms more per sentence`,
      `event loop:     max delay ${result.eventLoop.maxDelayOnMainThreadMs} ms with session.run on the main thread, ${result.eventLoop.maxDelayWithInferenceThreadMs} ms with the inference thread (batch of ${result.eventLoop.batchSize})`,
      `job:            ${result.pipeline.status}, ${result.pipeline.itemsDone} done, ${result.pipeline.itemsFailed} failed, mean batch ${result.pipeline.meanBatchSize}`,
    ].join("\n"),
  );
}

await main();
