import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { abortOnInterrupt, InterruptedError } from "../../src/cli/interrupt.ts";

describe("abortOnInterrupt", () => {
  it("aborts on SIGTERM and removes its handlers", async () => {
    const sigtermBefore = process.listenerCount("SIGTERM");
    const sigintBefore = process.listenerCount("SIGINT");
    const interrupt = abortOnInterrupt();
    expect(process.listenerCount("SIGTERM")).toBe(sigtermBefore + 1);

    const aborted = once(interrupt.signal, "abort");
    process.kill(process.pid, "SIGTERM");
    await aborted;

    const reason: unknown = interrupt.signal.reason;
    expect(reason).toBeInstanceOf(InterruptedError);
    expect((reason as InterruptedError).message).toBe("interrupted by SIGTERM");
    expect((reason as InterruptedError).exitCode).toBe(143);
    expect(process.listenerCount("SIGTERM")).toBe(sigtermBefore);
    expect(process.listenerCount("SIGINT")).toBe(sigintBefore);
  });

  it("reports SIGINT as exit code 130", () => {
    expect(new InterruptedError("SIGINT").exitCode).toBe(130);
  });

  it("dispose removes both handlers", () => {
    const termListeners = process.listenerCount("SIGTERM");
    const intListeners = process.listenerCount("SIGINT");
    const interrupt = abortOnInterrupt();
    interrupt.dispose();
    expect(process.listenerCount("SIGTERM")).toBe(termListeners);
    expect(process.listenerCount("SIGINT")).toBe(intListeners);
    expect(interrupt.signal.aborted).toBe(false);
  });
});
