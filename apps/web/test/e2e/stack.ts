import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTestDatabase, deleteRedisKeys, type TestDatabase } from "@maskfill/core/testing";

export const repoRoot = resolve(import.meta.dirname, "../../../..");
export const webRoot = resolve(repoRoot, "apps/web");
export const tinyModelDir = resolve(repoRoot, "packages/core/test/fixtures/tiny-roberta");

/** A started process with its captured output, for failure messages. */
export interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Returns a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Spawns a process in its own process group, keeping the last 20,000 characters of its output.
 * `next start` runs the server in a child process, so stop() signals the whole group.
 */
function start(command: string, args: string[], env: Record<string, string>, cwd: string): Started {
  let output = "";
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  return { child, output: () => output };
}

/** Sends a signal to a started process group; a group that already exited is ignored. */
function signalGroup(started: Started, signal: NodeJS.Signals): void {
  if (started.child.pid === undefined) return;
  try {
    process.kill(-started.child.pid, signal);
  } catch {
    // The group has already exited.
  }
}

/** Stops a started process group with SIGTERM and waits for its leader to exit (SIGKILL after 10 s). */
export async function stop(started: Started | undefined): Promise<void> {
  if (started === undefined) return;
  const running = started.child.exitCode === null && started.child.signalCode === null;
  const exited = running ? new Promise<void>((resolveExit) => started.child.once("exit", () => resolveExit())) : Promise.resolve();
  signalGroup(started, "SIGTERM");
  const timer = setTimeout(() => signalGroup(started, "SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
  // Children such as next-server may outlive the leader by a moment.
  signalGroup(started, "SIGKILL");
}

/** Polls `condition` every 200 ms until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(condition: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await condition();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 200));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ""}`);
}

/**
 * Build folder of this test run, relative to apps/web, named after the vitest main process.
 * Separate folders let several test runs on one machine build and serve at the same time.
 */
export const testDistDir = `.next-e2e/run-${process.ppid}`;

/** Deletes build folders of earlier test runs that are more than two hours old. */
function pruneOldBuilds(): void {
  const parent = resolve(webRoot, ".next-e2e");
  if (!existsSync(parent)) return;
  for (const name of readdirSync(parent)) {
    const path = join(parent, name);
    if (Date.now() - statSync(path).mtimeMs > 2 * 60 * 60 * 1000) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Builds the web app with `next build` into `testDistDir` once per test run: the first test file
 * to get here takes a lock folder named after the vitest main process, and the others wait for
 * its marker file.
 * The production build is what the tests exercise. It took 10-20 s on an idle 2-core machine
 * (about a minute while other builds ran), less than `next dev` spends compiling every page.
 */
export async function buildWebApp(): Promise<void> {
  const lock = join(tmpdir(), `maskfill-web-build-${process.ppid}`);
  const marker = join(lock, "done");
  try {
    mkdirSync(lock);
  } catch {
    await waitFor(async () => (existsSync(marker) ? true : undefined), 300_000, "another test file to finish `next build`");
    if (readFileSync(marker, "utf8") !== "ok") throw new Error("`next build` failed in another test file; see its error");
    return;
  }
  pruneOldBuilds();
  const result = spawnSync("npx", ["next", "build"], { cwd: webRoot, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", MASKFILL_NEXT_DIST_DIR: testDistDir }, encoding: "utf8" });
  writeFileSync(marker, result.status === 0 ? "ok" : "failed");
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
}

/** The real stack of one test file: a fresh database, its own queue prefix, the web app and optionally a worker. */
export interface Stack {
  database: TestDatabase;
  queuePrefix: string;
  uploadDir: string;
  baseUrl: string;
  web: Started;
  worker: Started | undefined;
  env: Record<string, string>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts `next start` on a free port against a fresh database and queue prefix. The app must be
 * built already (buildWebApp). `webEnv` adds variables such as a small upload limit.
 */
export async function startStack(webEnv: Record<string, string> = {}): Promise<Stack> {
  const database = await createTestDatabase();
  const queuePrefix = `webtest-${randomBytes(4).toString("hex")}`;
  const uploadDir = await mkdtemp(join(tmpdir(), "maskfill-uploads-"));
  const port = await freePort();
  const env = {
    DATABASE_URL: database.url,
    MASKFILL_QUEUE_PREFIX: queuePrefix,
    MASKFILL_UPLOAD_DIR: uploadDir,
    MASKFILL_MODEL_DIR: tinyModelDir,
    NEXT_TELEMETRY_DISABLED: "1",
    MASKFILL_NEXT_DIST_DIR: testDistDir,
    LOG_LEVEL: "warn",
  };
  const nextBin = resolve(repoRoot, "node_modules/next/dist/bin/next");
  // Access control is off unless a test file turns it on with `MASKFILL_AUTH: "on"` in webEnv.
  const web = start(process.execPath, [nextBin, "start", "-p", String(port), "-H", "127.0.0.1"], { ...env, MASKFILL_AUTH: "off", ...webEnv }, webRoot);
  const baseUrl = `http://127.0.0.1:${port}`;
  const stack: Stack = {
    database,
    queuePrefix,
    uploadDir,
    baseUrl,
    web,
    worker: undefined,
    env,
    async startWorker() {
      stack.worker = start(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], env, repoRoot);
      await waitFor(
        async () => {
          const response = await fetch(`${baseUrl}/api/health`);
          return response.status === 200 ? true : undefined;
        },
        60_000,
        `a ready worker\n--- worker output ---\n${stack.worker.output()}`,
      );
    },
    async close() {
      await stop(stack.worker);
      await stop(web);
      await database.drop();
      await rm(uploadDir, { recursive: true, force: true });
      await deleteRedisKeys(queuePrefix, process.env["REDIS_URL"]);
    },
  };
  try {
    // 401 also means the server is up, because it is the response when MASKFILL_AUTH is on.
    await waitFor(async () => ([200, 401].includes((await fetch(`${baseUrl}/api/workers`)).status) ? true : undefined), 60_000, `the web app on ${baseUrl}\n${web.output()}`);
  } catch (error) {
    await stack.close();
    throw error;
  }
  return stack;
}
