import { constants } from "node:os";
import type { CliIo } from "./model/cli-io.ts";

/** The reason an interrupted command's AbortSignal carries: the signal that stopped it. */
export class InterruptedError extends Error {
  override readonly name = "InterruptedError";

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
    io.stderr.write(`maskfill ${command}: ${error.message}; no partial file is left.\n`);
    return error.exitCode;
  } finally {
    interrupt.dispose();
  }
}
