import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { loadConfig, type MaskfillConfig } from "@maskfill/core/queue";

/** Tiny random-weight RoBERTa kept in the repository for tests. */
export const TINY_MODEL_DIR = fileURLToPath(new URL("../../../packages/core/test/fixtures/tiny-roberta", import.meta.url));

/** The product's bundled default model. */
export const BUNDLED_MODEL_DIR = fileURLToPath(new URL("../../../models/mini-roberta", import.meta.url));

const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** The maskfill CLI entry point. */
const MASKFILL_BIN = fileURLToPath(new URL("../bin/maskfill.js", import.meta.url));

/** Returns a queue prefix that no other test uses. */
export function uniquePrefix(label: string): string {
  return `test-${label}-${randomBytes(4).toString("hex")}`;
}

/** Worker and producer configuration for a test database and prefix, with the tiny model and quiet logs. */
export function testConfig(databaseUrl: string, queuePrefix: string, overrides: Record<string, string> = {}): MaskfillConfig {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    MASKFILL_QUEUE_PREFIX: queuePrefix,
    MASKFILL_MODEL_DIR: TINY_MODEL_DIR,
    MASKFILL_LOCK_DURATION_MS: "5000",
    MASKFILL_SHUTDOWN_GRACE_MS: "10000",
    LOG_LEVEL: "silent",
    ...overrides,
  });
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined or false; throws after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 30_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A worker running in its own Node process, with its output kept for failure messages. */
export interface ChildWorker {
  process: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
}

/** Starts `maskfill worker` in a child process with the given environment added to this one's. */
export function spawnWorker(env: Record<string, string>): ChildWorker {
  const child = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  return { process: child, output: () => output, exited };
}

/** Runs the maskfill CLI in a child process with `env` added to this one's, writing `input` to its standard input. */
export function runMaskfill(args: string[], env: Record<string, string>, input = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MASKFILL_BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
