import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { CheckLog } from "../../src/server/check-log.ts";

/** Creates a CheckLog whose log lines are parsed into `lines` as { level, msg, check, err }. */
function capturingCheckLog(): { log: CheckLog; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: "info", base: null, timestamp: false }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log: new CheckLog(logger), lines };
}

describe("CheckLog", () => {
  it("logs a repeated failure once", () => {
    const { log, lines } = capturingCheckLog();
    log.record("worker", "no worker is ready (0 running)");
    log.record("worker", "no worker is ready (0 running)");
    log.record("worker", "no worker is ready (0 running)");
    expect(lines).toEqual([{ level: 40, check: "worker", err: "no worker is ready (0 running)", msg: "Health check failed" }]);
  });

  it("logs a new error and the recovery", () => {
    const { log, lines } = capturingCheckLog();
    log.record("worker", undefined);
    log.record("worker", "no worker is ready (0 running)");
    log.record("worker", "no worker is ready (1 running)");
    log.record("worker", undefined);
    log.record("worker", undefined);
    expect(lines).toEqual([
      { level: 40, check: "worker", err: "no worker is ready (0 running)", msg: "Health check failed" },
      { level: 40, check: "worker", err: "no worker is ready (1 running)", msg: "Health check failed" },
      { level: 30, check: "worker", msg: "Health check passes again" },
    ]);
  });

  it("tracks each check separately", () => {
    const { log, lines } = capturingCheckLog();
    log.record("redis", "timed out");
    log.record("postgres", "timed out");
    log.record("redis", "timed out");
    expect(lines.map((line) => line.check)).toEqual(["redis", "postgres"]);
  });
});
