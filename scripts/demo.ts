/**
 * `npm run demo`: migrates the database, starts one worker with the bundled mini model, builds and
 * starts the web app, and prints its URL once /api/health reports ready. Redis and Postgres must
 * be reachable (REDIS_URL, DATABASE_URL; defaults are the local ports). Ctrl+C stops everything.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { createLogger } from "@maskfill/core/queue";

const logger = createLogger("demo");
const root = resolve(import.meta.dirname, "..");
const port = Number(process.env["PORT"] ?? "3000");
const children: ChildProcess[] = [];

if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  logger.fatal({ port: process.env["PORT"] }, "PORT must be a whole number from 1 to 65535");
  process.exit(2);
}

/** Runs a command to completion, exiting the demo with its status when it fails. */
function runStep(title: string, command: string, args: string[], cwd = root): void {
  logger.info({ step: title }, "Running demo step");
  const result = spawnSync(command, args, { cwd, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) {
    logger.fatal({ step: title, status: result.status }, "Demo step failed; fix the error above and run `npm run demo` again");
    process.exit(result.status ?? 1);
  }
}

/**
 * Starts a long-running process in its own process group, whose exit stops the demo. The group
 * lets shutdown() reach grandchildren such as next-server, which a signal to the child misses.
 */
function startService(title: string, command: string, args: string[], cwd = root): void {
  // The demo is single-user local use, so access control is off unless MASKFILL_AUTH is set.
  const child = spawn(command, args, { cwd, stdio: "inherit", detached: true, env: { MASKFILL_AUTH: "off", ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  children.push(child);
  child.on("exit", (code, signal) => {
    if (stopping) return;
    logger.error({ service: title, code, signal }, "Demo service exited; stopping the demo");
    shutdown(1);
  });
}

let stopping = false;

/** Stops every service's process group with SIGTERM, waits for them, and exits. */
function shutdown(exitCode: number): void {
  if (stopping) return;
  stopping = true;
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  for (const child of running) {
    if (child.pid === undefined) continue;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // The group has already exited.
    }
  }
  let left = running.length;
  if (left === 0) process.exit(exitCode);
  for (const child of running) {
    child.once("exit", () => {
      left -= 1;
      if (left === 0) process.exit(exitCode);
    });
  }
  // The worker finishes its in-flight batches first; give up after 30 s.
  setTimeout(() => process.exit(exitCode), 30_000).unref();
}

process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

/** Polls /api/health until it reports ready; returns false after `timeoutMs`. */
async function waitForHealth(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(url);
      if (response.status === 200) return true;
    } catch {
      // The server is not listening yet.
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 500));
  }
  return false;
}

runStep("migrate the database", "npm", ["run", "db:migrate"]);
runStep("build the web app", "npm", ["run", "build", "-w", "@maskfill/web"]);
startService("worker", process.execPath, ["--import", "tsx", resolve(root, "apps/worker/src/main.ts")]);
startService("web", process.execPath, [resolve(root, "node_modules/next/dist/bin/next"), "start", "-p", String(port)], resolve(root, "apps/web"));

const url = `http://localhost:${port}`;
if (await waitForHealth(`${url}/api/health`, 120_000)) {
  process.stdout.write(`\nmaskfill is ready: ${url}\n(Ctrl+C stops the worker and the web app.)\n\n`);
} else if (!stopping) {
  logger.error({ url }, "The web app or the worker did not become ready within 120 s; see the output above, or open /api/health");
}
