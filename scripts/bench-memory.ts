// Memory benchmark of a scoring worker: submits a large corpus for pseudo-log-likelihood scoring,
// runs one worker process on it and records the worker's resident memory (VmRSS, and the kernel's
// peak VmHWM) against a budget of twice the model's ONNX files. It uses the machine's Redis and
// PostgreSQL with a database and queue prefix of its own, and cancels the job when time is up.
// Run: npm run bench:memory -- --model DIR [--sentences N] [--minutes M] [--json]
import { spawn } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { MaskfillProducer, loadConfig } from "../packages/core/src/queue/index.ts";
import { createTestDatabase, deleteRedisKeys } from "../packages/core/src/testing/index.ts";
import { describeMachine, integerOption, readNonBlankLines } from "./bench-options.ts";

const USAGE = `Usage: npm run bench:memory -- --model DIR [options]

Scores a corpus with one worker process and reports its peak resident memory against a budget
of twice the size of the model's ONNX files. Target: under the budget.

Options:
  --model DIR       model directory (required), e.g. a roberta-large export
  --sentences N     corpus size (default: 100000; the fortune sentences repeated)
  --minutes M       stop after M minutes and cancel the job (default: 10)
  --json            print the results as JSON
  -h, --help        show this help`;

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const SENTENCES_FILE = fileURLToPath(new URL("data/fortune-sentences.txt", import.meta.url));
const SAMPLE_INTERVAL_MS = 2_000;

/** Reads a process's current and peak resident memory from /proc, in bytes. */
async function residentMemory(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

/** Sums the sizes of the ONNX files (and their external data) a model directory keeps. */
async function modelBytes(modelDir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(modelDir)) {
    if (name.endsWith(".onnx") && !name.includes(".prepared.")) total += (await stat(join(modelDir, name))).size;
    if (name.endsWith(".onnx_data") || name.endsWith(".onnx.data")) total += (await stat(join(modelDir, name))).size;
  }
  return total;
}

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      model: { type: "string" },
      sentences: { type: "string" },
      minutes: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.model === undefined) throw new Error("--model is required: pass the model directory to measure, e.g. --model bench-models/roberta-large");
  const modelDir = values.model;
  const count = integerOption("sentences", values.sentences, 100_000, 1);
  const minutes = integerOption("minutes", values.minutes, 10, 1);
  const lines = (await readNonBlankLines(SENTENCES_FILE)).filter((line) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(line));
  const corpus = Array.from({ length: count }, (_, i) => lines[i % lines.length]!).join("\n") + "\n";
  const budget = 2 * (await modelBytes(modelDir));

  const db = await createTestDatabase();
  const queuePrefix = `bench-memory-${Date.now()}`;
  const env = { ...process.env, DATABASE_URL: db.url, MASKFILL_QUEUE_PREFIX: queuePrefix, MASKFILL_MODEL_DIR: modelDir, LOG_LEVEL: "warn" };
  const config = loadConfig(env);
  const producer = MaskfillProducer.connect(config);
  const worker = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], { cwd: REPO_ROOT, env, stdio: ["ignore", "inherit", "inherit"] });
  const workerPid = worker.pid!;
  // Scored sentences come from the worker's published state, which counts each finished batch,
  // because a chunk of a large model's corpus can take longer than the whole run.
  const samples: { seconds: number; rss: number; scored: number }[] = [];
  const started = performance.now();
  let jobId: string | undefined;
  let loadedRss = Number.NaN;
  try {
    process.stderr.write(`Waiting for the worker to load ${modelDir}...\n`);
    for (;;) {
      if (worker.exitCode !== null) throw new Error(`the worker exited with code ${worker.exitCode} before it was ready`);
      const states = await producer.listWorkers();
      if (states.some((state) => state.status === "ready")) break;
      if (states.some((state) => state.status === "error")) throw new Error(`the worker could not load the model: ${states.find((state) => state.error)?.error}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    loadedRss = (await residentMemory(workerPid)).rss;
    process.stderr.write(`Submitting ${count} sentences for scoring...\n`);
    const submission = await producer.submitCorpus({ kind: "score", source: Readable.from([Buffer.from(corpus)]), corpus: { format: "txt" }, fileName: "memory.txt" });
    jobId = submission.jobId;
    const deadline = started + minutes * 60_000;
    for (;;) {
      const view = await producer.getJob(jobId);
      const memory = await residentMemory(workerPid);
      const scored = (await producer.listWorkers()).reduce((sum, state) => sum + state.sentences, 0);
      samples.push({ seconds: Math.round((performance.now() - started) / 1000), rss: memory.rss, scored });
      process.stderr.write(`  ${samples.at(-1)!.seconds} s: ${scored} of ${view.itemsTotal} scored (${view.itemsDone + view.itemsFailed} stored), RSS ${gib(memory.rss)}\n`);
      if (view.status !== "queued" && view.status !== "running") break;
      if (performance.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_INTERVAL_MS));
    }
    const peak = (await residentMemory(workerPid)).peak;
    const last = samples.at(-1)!;
    const first = samples[0]!;
    const rate = (last.scored - first.scored) / Math.max(1, last.seconds - first.seconds);
    const result = {
      machine: describeMachine(),
      modelDir,
      modelBytes: budget / 2,
      budgetBytes: budget,
      sentences: count,
      minutes,
      scored: last.scored,
      sentencesPerSecond: Math.round(rate * 1000) / 1000,
      rssAfterLoadBytes: loadedRss,
      maxSampledRssBytes: Math.max(...samples.map((sample) => sample.rss)),
      peakRssBytes: peak,
      withinBudget: peak < budget,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      process.stdout.write(
        [
          `Machine: ${result.machine}`,
          `Model: ${modelDir}, ONNX files ${gib(result.modelBytes)}; budget 2 x model = ${gib(budget)}`,
          `Corpus: ${count} sentences; scored ${result.scored} in ${last.seconds} s (${result.sentencesPerSecond} sentences/s)`,
          `Worker RSS: ${gib(loadedRss)} after loading, ${gib(result.maxSampledRssBytes)} max sampled, peak (VmHWM) ${gib(peak)}`,
          `Target (peak under 2 x model size): ${result.withinBudget ? "met" : "NOT met"}`,
          "",
        ].join("\n"),
      );
    }
    return result.withinBudget ? 0 : 1;
  } finally {
    if (jobId !== undefined) await producer.cancelJob(jobId).catch(() => undefined);
    if (worker.exitCode === null) {
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.kill("SIGTERM");
      await exited;
    }
    await producer.close();
    await db.drop();
    await deleteRedisKeys(queuePrefix, config.redisUrl);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:memory failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
