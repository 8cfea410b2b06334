// Load test of the sentence API: many concurrent clients send POST /api/predict at a fixed rate
// to the production web app with one worker and the tiny model, and the script reports sustained
// requests/s, p50/p99 latency and errors. It starts its own Redis, PostgreSQL, web app and worker
// on loopback ports (the fault suite's stack), so it never touches the shared services.
// Run: npm run bench:load -- [--rate N] [--connections N] [--duration S] [--workers N] [--json]
import { readFile } from "node:fs/promises";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import buildWebApp from "../tests/faults/support/build-web.ts";
import { FaultStack } from "../tests/faults/support/fault-stack.ts";

const USAGE = `Usage: npm run bench:load -- [options]

Sends masked sentences to POST /api/predict at a fixed rate and reports requests/s, latency
percentiles and errors. Target: no errors and p99 under 250 ms at 200 requests/s.

Options:
  --rate N          requests per second, all connections together (default: 200)
  --connections N   concurrent HTTP connections (default: 50)
  --duration S      measured seconds, after a 5 s warm-up at the same rate (default: 30)
  --workers N       worker processes (default: 1)
  --top-k N         predictions per mask (default: 5)
  --auth on|off     MASKFILL_AUTH of the web app, to measure what access control costs (default: on)
  --no-build        skip \`next build\` (the app must be built already)
  --json            print the results as JSON
  -h, --help        show this help

Needs redis-server and PostgreSQL server binaries (Debian's postgresql package).`;

const SENTENCES_FILE = fileURLToPath(new URL("data/masked-1024.txt", import.meta.url));
const TARGET_P99_MS = 250;

function integerOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a whole number of at least 1 (got "${value}")`);
  return parsed;
}

/** Runs autocannon against the predict route and resolves with its result. */
function runLoad(stack: FaultStack, bodies: string[], options: { rate: number; connections: number; duration: number }): Promise<autocannon.Result> {
  let next = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${stack.baseUrl}/api/predict`,
        method: "POST",
        connections: options.connections,
        overallRate: options.rate,
        duration: options.duration,
        headers: { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" },
        requests: [
          {
            setupRequest: (request) => {
              const body = bodies[next % bodies.length]!;
              next += 1;
              return { ...request, body };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    process.once("SIGINT", () => instance.stop());
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

  // Three lines of the file contain control characters (backspaces in the original fortunes),
  // which the sentence API rejects with 400, so they are left out like any other invalid input.
  const sentences = (await readFile(SENTENCES_FILE, "utf8"))
    .split("\n")
    .filter((line) => line.includes("<mask>") && line.length <= 2000 && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(line));
  const bodies = sentences.map((text) => JSON.stringify({ text, topK }));

  if (!values["no-build"]) buildWebApp();
  // The limits are raised so the benchmark measures throughput, not rate-limit rejections.
  const stack = await FaultStack.start({
    MASKFILL_RATE_LIMIT_PER_TOKEN: "1000000000",
    MASKFILL_RATE_LIMIT_PER_IP: "1000000000",
    MASKFILL_MAX_QUEUE_DEPTH: "1000000",
    MASKFILL_AUTH: auth,
    LOG_LEVEL: "warn",
  });
  try {
    for (let i = 0; i < workers; i += 1) await stack.startWorker(`load-${i + 1}`);
    await runLoad(stack, bodies, { rate, connections, duration: 5 });
    const result = await runLoad(stack, bodies, { rate, connections, duration });

    const summary = {
      machine: `${cpus().length} x ${cpus()[0]?.model ?? "unknown CPU"}`,
      rateTarget: rate,
      connections,
      durationSeconds: duration,
      workers,
      topK,
      auth,
      requests: result.requests.total,
      requestsPerSecond: result.requests.average,
      latencyP50Ms: result.latency.p50,
      latencyP90Ms: result.latency.p90,
      latencyP99Ms: result.latency.p99,
      latencyMaxMs: result.latency.max,
      non2xx: result.non2xx,
      /** Responses per HTTP status code, so non-2xx responses can be distinguished (429, 503, 504, ...). */
      statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0])),
      errors: result.errors,
      timeouts: result.timeouts,
    };
    const passed = summary.non2xx === 0 && summary.errors === 0 && summary.timeouts === 0 && summary.latencyP99Ms < TARGET_P99_MS;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ ...summary, passed }, null, 2)}\n`);
    } else {
      process.stdout.write(
        [
          `Machine: ${summary.machine}; ${workers} worker(s), tiny model, top-k ${topK}, MASKFILL_AUTH=${auth}`,
          `Load: ${rate} requests/s target over ${connections} connections for ${duration} s`,
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
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:load failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
