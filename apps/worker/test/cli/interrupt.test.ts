import { once } from "node:events";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { abortOnInterrupt, InterruptedError, runInterruptible, verifyOrRemove } from "../../src/cli/interrupt.ts";

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

describe("verifyOrRemove", () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "maskfill-verify-"));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("removes the files when interrupted during the check", async () => {
    const paths = [join(dir, "model.prepared.onnx"), join(dir, "model.prepared.json")];
    for (const path of paths) await writeFile(path, "x");
    const controller = new AbortController();
    const attempt = verifyOrRemove(paths, controller.signal, async () => {
      controller.abort(new InterruptedError("SIGINT"));
      return 1;
    });

    const failure = await attempt.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InterruptedError);
    expect((failure as InterruptedError).removed).toEqual(paths);
    expect(await readdir(dir)).toEqual([]);
  });

  it("keeps the files after a finished check", async () => {
    const path = join(dir, "model.prepared.onnx");
    await writeFile(path, "x");
    expect(await verifyOrRemove([path], new AbortController().signal, async () => 7)).toBe(7);
    expect(await readdir(dir)).toEqual(["model.prepared.onnx"]);
  });

  it("names removed files in the interrupt message", async () => {
    const lines: string[] = [];
    const io = { stdout: { write: () => true }, stderr: { write: (text: string) => lines.push(text) }, env: {} };
    const code = await runInterruptible("model prepare", io, async () => {
      const error = new InterruptedError("SIGTERM");
      error.removed.push("/m/model.prepared.onnx", "/m/model.prepared.json");
      throw error;
    });
    expect(code).toBe(143);
    expect(lines).toEqual(["maskfill model prepare: interrupted by SIGTERM; removed the unverified /m/model.prepared.onnx and /m/model.prepared.json.\n"]);
  });
});
