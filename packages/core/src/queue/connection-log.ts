import type { Logger } from "pino";

/** Anything that emits connection "error" events and, optionally, "ready" when it reconnects. */
interface ConnectionEvents {
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "ready", listener: () => void): unknown;
}

/**
 * Logs the first error of an outage and the reconnection, instead of one line per reconnect
 * attempt. Node throws an "error" event that has no listener, so this listener also keeps the
 * process alive. Failed calls still reject on their own.
 */
export function logConnectionErrors(target: ConnectionEvents, name: string, logger: Logger, ids: Record<string, unknown> = {}): void {
  let down = false;
  target.on("error", (error: Error) => {
    if (down) return;
    down = true;
    logger.error({ ...ids, connection: name, err: error.message }, "Redis connection lost; reconnecting");
  });
  target.on("ready", () => {
    if (!down) return;
    down = false;
    logger.info({ ...ids, connection: name }, "Redis connection restored");
  });
}
