// Load test of the sentence API. An open-loop client sends POST /api/predict at a fixed rate over
// many connections to the production web app with one worker and the tiny model. The script
// reports sustained requests/s, p50/p99 latency and errors. It starts its own Redis, PostgreSQL,
// web app and worker on loopback ports (the fault suite's stack, with the durability settings of
// docker-compose.yml), so it never touches the shared services.
// Run: npm run bench:load -- [--rate N] [--connections N] [--duration S] [--workers N] [--json]
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import buildWebApp from "../tests/faults/support/build-web.ts";
import { FaultStack, TINY_MODEL_DIR } from "../tests/faults/support/fault-stack.ts";
import { prepareModel } from "../packages/core/src/prepare/index.ts";
import { quantile, runOpenLoop, type OpenLoopResult } from "./load/open-loop-load.ts";

const USAGE = `Usage: npm run bench:load -- [options]

Sends masked sentences to POST /api/predict at a fixed rate and reports requests/s, latency
percentiles and errors. Target: no errors and p99 under 250 ms at 200 requests/s.

Options:
  --rate N          requests per second, sent on a fixed schedule (default: 200)
  --connections N   most open HTTP connections (default: 50)
  --duration S      measured seconds, after a 10 s warm-up at the same rate (default: 30)
  --workers N       worker processes (default: 1)
  --top-k N         predictions per mask (default: 5)
  --auth on|off     MASKFILL_AUTH of the web app, to measure what access control costs (default: on)
  --model prepared|plain
                    serve a copy of the tiny model prepared with \`maskfill model prepare\` (LM head
                    at the masked positions only, as docs/prepared-models.md recommends for
                    serving) or the plain export (default: prepared)
  --spinning on|off MASKFILL_THREAD_SPINNING of the workers (default: the worker's default)
  --no-build        skip \`next build\` (the app must be built already)
  --json            print the results as JSON
  -h, --help        show this help

Needs redis-server and PostgreSQL server binaries (Debian's postgresql package).`;

const SENTENCES_FILE = fileURLToPath(new URL("data/masked-1024.txt", import.meta.url));
const TARGET_P99_MS = 250;
const WARM_UP_SECONDS = 10;
const REQUEST_TIMEOUT_MS = 30_000;

function integerOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a whole number of at least 1 (got "${value}")`);
  return parsed;
}

/** Drives the predict route at a fixed rate for `duration` seconds. */
function runLoad(stack: FaultStack, bodies: string[], options: { rate: number; connections: number; duration: number }): Promise<OpenLoopResult> {
  return runOpenLoop({
    url: `${stack.baseUrl}/api/predict`,
    headers: { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" },
    bodies,
    rate: options.rate,
    durationSeconds: options.duration,
    connections: options.connections,
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      rate: { type: "string" },
      connections: { type: "string" },
      duration: { type: "string" },
      workers: { type: "string" },
      "top-k": { type: "string" },
      auth: { type: "string", default: "on" },
      model: { type: "string", default: "prepared" },
      spinning: { type: "string" },
      "no-build": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const rate = integerOption("rate", values.rate, 200);
  const connections = integerOption("connections", values.connections, 50);
  const duration = integerOption("duration", values.duration, 30);
  const workers = integerOption("workers", values.workers, 1);
  const topK = integerOption("top-k", values["top-k"], 5);
  const auth = values.auth;
  if (auth !== "on" && auth !== "off") throw new Error(`--auth must be on or off (got "${auth}")`);
  const model = values.model;
  if (model !== "prepared" && model !== "plain") throw new Error(`--model must be prepared or plain (got "${model}")`);
  const spinning = values.spinning;
  if (spinning !== undefined && spinning !== "on" && spinning !== "off") throw new Error(`--spinning must be on or off (got "${spinning}")`);

  // Three lines of the file contain control characters (backspaces in the original fortunes),
  // which the sentence API rejects with 400, so they are left out like any other invalid input.
  const sentences = (await readFile(SENTENCES_FILE, "utf8"))
    .split("\n")
    .filter((line) => line.includes("<mask>") && line.length <= 2000 && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(line));
  const bodies = sentences.map((text) => JSON.stringify({ text, topK }));

  if (!values["no-build"]) buildWebApp();
  const modelDir = model === "prepared" ? await preparedTinyModel() : TINY_MODEL_DIR;
  // The limits are raised so the benchmark measures throughput, not rate-limit rejections.
  const stack = await FaultStack.start({
    MASKFILL_RATE_LIMIT_PER_TOKEN: "1000000000",
    MASKFILL_RATE_LIMIT_PER_IP: "1000000000",
    MASKFILL_MAX_QUEUE_DEPTH: "1000000",
    MASKFILL_AUTH: auth,
    MASKFILL_MODEL_DIR: modelDir,
    ...(spinning === undefined ? {} : { MASKFILL_THREAD_SPINNING: spinning }),
    LOG_LEVEL: "warn",
  }, { production: true });
  try {
    for (let i = 0; i < workers; i += 1) await stack.startWorker(`load-${i + 1}`);
    await runLoad(stack, bodies, { rate, connections, duration: WARM_UP_SECONDS });
    const result = await runLoad(stack, bodies, { rate, connections, duration });
    const latencies = result.latenciesMs;
    const non2xx = Object.entries(result.statusCodes).reduce((sum, [code, count]) => sum + (code.startsWith("2") ? 0 : count), 0);

    const summary = {
      machine: `${cpus().length} x ${cpus()[0]?.model ?? "unknown CPU"}`,
      rateTarget: rate,
      connections,
      durationSeconds: duration,
      workers,
      topK,
      auth,
      model,
      spinning: spinning ?? "default",
      requests: result.sent,
      /** Successful responses per second, from the first request until the last response. */
      requestsPerSecond: latencies.length / result.elapsedSeconds,
      latencyP50Ms: Math.round(quantile(latencies, 0.5)),
      latencyP90Ms: Math.round(quantile(latencies, 0.9)),
      latencyP99Ms: Math.round(quantile(latencies, 0.99)),
      latencyMaxMs: Math.round(quantile(latencies, 1)),
      non2xx,
      /** Responses per HTTP status code, so non-2xx responses can be distinguished (429, 503, 504, ...). */
      statusCodes: result.statusCodes,
      errors: result.errors,
      timeouts: result.timeouts,
    };
    const passed = summary.non2xx === 0 && summary.errors === 0 && summary.timeouts === 0 && summary.latencyP99Ms < TARGET_P99_MS;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ ...summary, passed }, null, 2)}\n`);
    } else {
      process.stdout.write(
        [
          `Machine: ${summary.machine}; ${workers} worker(s), ${model} tiny model, top-k ${topK}, MASKFILL_AUTH=${auth}${spinning === undefined ? "" : `, MASKFILL_THREAD_SPINNING=${spinning}`}`,
          `Load: ${rate} requests/s, open loop (latency counted from each request's scheduled time), at most ${connections} connections, ${duration} s after a ${WARM_UP_SECONDS} s warm-up`,
          `Sustained: ${summary.requestsPerSecond.toFixed(1)} requests/s (${summary.requests} requests)`,
          `Latency: p50 ${summary.latencyP50Ms} ms, p90 ${summary.latencyP90Ms} ms, p99 ${summary.latencyP99Ms} ms, max ${summary.latencyMaxMs} ms`,
          `Errors: ${summary.non2xx} non-2xx, ${summary.errors} connection errors, ${summary.timeouts} timeouts`,
          `Status codes: ${Object.entries(summary.statusCodes).map(([code, count]) => `${code} x ${count}`).join(", ") || "none"}`,
          `Target (no errors, p99 < ${TARGET_P99_MS} ms): ${passed ? "met" : "NOT met"}`,
          "",
        ].join("\n"),
      );
    }
    return passed ? 0 : 1;
  } finally {
    await stack.stop();
    if (model === "prepared") await rm(modelDir, { recursive: true, force: true });
  }
}

/** Copies the tiny model to a temporary folder and prepares it there; returns the folder. */
async function preparedTinyModel(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "maskfill-load-model-"));
  await cp(TINY_MODEL_DIR, dir, { recursive: true, filter: (source) => !source.includes("golden") });
  await prepareModel({ modelDir: dir });
  return dir;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:load failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
