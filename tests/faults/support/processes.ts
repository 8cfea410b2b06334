import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { createServer } from "node:net";

/** A started process with the tail of its output, for failure messages. */
export interface Started {
  child: ChildProcess;
  /** Last 40,000 characters of stdout and stderr. */
  output(): string;
  /** Resolves with the exit code or signal name once the process has exited. */
  exited: Promise<number | string>;
}

/** Returns a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port assigned"))));
    });
  });
}

/** Spawns a process in its own process group and keeps the tail of its output. */
export function startProcess(command: string, args: string[], options: SpawnOptions & { env: Record<string, string | undefined> }): Started {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-40_000);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<number | string>((resolve) => child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")));
  return { child, output: () => output, exited };
}

/** Sends a signal to a started process group; a group that already exited is ignored. */
export function signalGroup(started: Started, signal: NodeJS.Signals): void {
  if (started.child.pid === undefined) return;
  try {
    process.kill(-started.child.pid, signal);
  } catch {
    // The group has already exited.
  }
}

/** Stops a process group with SIGTERM, then SIGKILL after `graceMs`, and waits for the exit. */
export async function stopProcess(started: Started | undefined, graceMs = 10_000): Promise<void> {
  if (started === undefined) return;
  if (started.child.exitCode !== null || started.child.signalCode !== null) return;
  signalGroup(started, "SIGTERM");
  const timer = setTimeout(() => signalGroup(started, "SIGKILL"), graceMs);
  await started.exited;
  clearTimeout(timer);
  signalGroup(started, "SIGKILL");
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined or false; throws after `timeoutMs` with the last error. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError instanceof Error ? ` (last error: ${lastError.message})` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
