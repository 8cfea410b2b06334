import { rm } from "node:fs/promises";
import { constants } from "node:os";
import type { CliIo } from "./model/cli-io.ts";

/** The reason an interrupted command's AbortSignal carries: the signal that stopped it. */
export class InterruptedError extends Error {
  override readonly name = "InterruptedError";
  /** Files the command had written and removed because the interrupt came before their check. */
  readonly removed: string[] = [];

  constructor(readonly signalName: "SIGINT" | "SIGTERM") {
    super(`interrupted by ${signalName}`);
  }

  /** Exit code of a process ended by this signal, as shells report it (128 + the signal number). */
  get exitCode(): number {
    return 128 + constants.signals[this.signalName];
  }
}

/**
 * Aborts the returned signal on the first SIGINT or SIGTERM, so that a command can remove the
 * file it is writing before it exits. After the first signal the handlers are removed, so a
 * second signal ends the process at once. Call `dispose` when the command ends.
 */
export function abortOnInterrupt(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const names = ["SIGINT", "SIGTERM"] as const;
  const handlers = names.map((name) => [name, () => interrupt(name)] as const);
  const dispose = (): void => {
    for (const [name, handler] of handlers) process.off(name, handler);
  };
  function interrupt(name: "SIGINT" | "SIGTERM"): void {
    dispose();
    controller.abort(new InterruptedError(name));
  }
  for (const [name, handler] of handlers) process.on(name, handler);
  return { signal: controller.signal, dispose };
}

/**
 * Runs `work` with a signal that SIGINT or SIGTERM aborts, and returns its exit code. An
 * interrupted run writes one line to stderr and returns 130 or 143. `work` must leave no partial
 * file when its signal aborts.
 */
export async function runInterruptible(command: string, io: CliIo, work: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const interrupt = abortOnInterrupt();
  try {
    return await work(interrupt.signal);
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    const outcome = error.removed.length > 0 ? `removed the unverified ${error.removed.join(" and ")}` : "no partial file is left";
    io.stderr.write(`maskfill ${command}: ${error.message}; ${outcome}.\n`);
    return error.exitCode;
  } finally {
    interrupt.dispose();
  }
}

/**
 * Runs `verify` on files that a command has just written. When an interrupt stops the command
 * before the check ends, the files are removed, because the engine loads a prepared graph by
 * itself and must not find one that was never checked.
 */
export async function verifyOrRemove<T>(paths: readonly string[], signal: AbortSignal, verify: () => Promise<T>): Promise<T> {
  try {
    const value = await verify();
    signal.throwIfAborted();
    return value;
  } catch (error) {
    if (error instanceof InterruptedError) {
      await Promise.all(paths.map((path) => rm(path, { force: true })));
      error.removed.push(...paths);
    }
    throw error;
  }
}
