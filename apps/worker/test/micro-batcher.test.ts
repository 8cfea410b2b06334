import { describe, expect, it } from "vitest";
import { BatcherClosedError, MicroBatcher, type BatchEntry, type BatchReport } from "../src/batching/micro-batcher.ts";

type Kind = "fill-mask" | "score";

/** Creates a batcher whose runner records each batch and echoes each request text after `delayMs`. */
function recordingBatcher(options: {
  tokenBudget: number;
  maxWaitMs: number;
  maxInFlight?: number;
  bulkBudgetFactor?: number;
  delayMs?: number;
  fail?: (texts: string[]) => boolean;
}) {
  const batches: string[][] = [];
  const reports: BatchReport<Kind>[] = [];
  let gate: Promise<void> = Promise.resolve();
  const batcher = new MicroBatcher<Kind, string, string>({
    tokenBudget: options.tokenBudget,
    maxWaitMs: options.maxWaitMs,
    maxInFlight: options.maxInFlight ?? 1,
    bulkBudgetFactor: options.bulkBudgetFactor ?? 1,
    async run(kind, entries: BatchEntry<Kind, string>[]) {
      const texts = entries.map((entry) => entry.request);
      batches.push(texts);
      await gate;
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (options.fail?.(texts)) throw new Error("runner failed");
      return texts.map((text) => `${kind}:${text}`);
    },
    onBatch: (report) => reports.push(report),
  });
  return {
    batcher,
    batches,
    reports,
    /** Holds the runner until the returned function is called. */
    hold(): () => void {
      let release = () => {};
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        gate = Promise.resolve();
        release();
      };
    },
  };
}

describe("MicroBatcher", () => {
  it("merges requests of several jobs into one batch", async () => {
    const { batcher, batches, reports } = recordingBatcher({ tokenBudget: 1000, maxWaitMs: 20 });
    const results = await Promise.all([
      batcher.submit({ kind: "fill-mask", request: "a", priority: "bulk", jobId: "job-1", tokens: 10 }),
      batcher.submit({ kind: "fill-mask", request: "b", priority: "bulk", jobId: "job-2", tokens: 10 }),
      batcher.submit({ kind: "fill-mask", request: "c", priority: "interactive", jobId: "job-3", tokens: 10 }),
    ]);
    expect(results).toEqual(["fill-mask:a", "fill-mask:b", "fill-mask:c"]);
    expect(batches).toEqual([["c", "a", "b"]]);
    expect(reports[0]!.jobIds.sort()).toEqual(["job-1", "job-2", "job-3"]);
    expect(reports[0]!.interactive).toBe(1);
    expect(reports[0]!.paddedTokens).toBe(30);
  });

  it("keeps padded tokens within the budget", async () => {
    const { batcher, batches } = recordingBatcher({ tokenBudget: 40, maxWaitMs: 5 });
    const texts = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    await Promise.all(texts.map((text) => batcher.submit({ kind: "fill-mask", request: text, priority: "bulk", jobId: "j", tokens: 10 })));
    expect(batches.map((batch) => batch.length)).toEqual([4, 4, 1]);
    expect(batches.flat()).toEqual(texts);
  });

  it("runs a request longer than the budget alone", async () => {
    const { batcher, batches } = recordingBatcher({ tokenBudget: 40, maxWaitMs: 5 });
    await Promise.all([
      batcher.submit({ kind: "fill-mask", request: "long", priority: "bulk", jobId: "j", tokens: 100 }),
      batcher.submit({ kind: "fill-mask", request: "short", priority: "bulk", jobId: "j", tokens: 10 }),
    ]);
    expect(batches).toEqual([["long"], ["short"]]);
  });

  it("groups bulk requests by length around the oldest", async () => {
    const { batcher, batches, hold } = recordingBatcher({ tokenBudget: 60, maxWaitMs: 0 });
    const release = hold();
    const first = batcher.submit({ kind: "fill-mask", request: "warm", priority: "bulk", jobId: "j", tokens: 1 });
    const lengths: [string, number][] = [["s1", 10], ["l1", 30], ["s2", 11], ["l2", 29], ["s3", 12], ["l3", 28]];
    const rest = lengths.map(([text, tokens]) => batcher.submit({ kind: "fill-mask", request: text, priority: "bulk", jobId: "j", tokens }));
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([["warm"], ["s1", "s2", "s3"], ["l1", "l2"], ["l3"]]);
  });

  it("puts interactive requests before older bulk ones", async () => {
    const { batcher, batches, hold } = recordingBatcher({ tokenBudget: 30, maxWaitMs: 0 });
    const release = hold();
    const running = batcher.submit({ kind: "fill-mask", request: "running", priority: "bulk", jobId: "corpus", tokens: 10 });
    const bulk = ["b1", "b2", "b3", "b4", "b5", "b6"].map((text) =>
      batcher.submit({ kind: "fill-mask", request: text, priority: "bulk", jobId: "corpus", tokens: 10 }),
    );
    const sentence = batcher.submit({ kind: "fill-mask", request: "sentence", priority: "interactive", jobId: "single", tokens: 10 });
    release();
    await Promise.all([running, sentence, ...bulk]);
    expect(batches[0]).toEqual(["running"]);
    expect(batches[1]).toEqual(["sentence", "b1", "b2"]);
  });

  it("never mixes kinds in one batch", async () => {
    const { batcher, batches } = recordingBatcher({ tokenBudget: 1000, maxWaitMs: 10 });
    const results = await Promise.all([
      batcher.submit({ kind: "fill-mask", request: "f1", priority: "bulk", jobId: "a", tokens: 5 }),
      batcher.submit({ kind: "score", request: "s1", priority: "bulk", jobId: "b", tokens: 5 }),
      batcher.submit({ kind: "fill-mask", request: "f2", priority: "bulk", jobId: "a", tokens: 5 }),
    ]);
    expect(results).toEqual(["fill-mask:f1", "score:s1", "fill-mask:f2"]);
    expect(batches).toEqual([["f1", "f2"], ["s1"]]);
  });

  it("waits up to maxWaitMs for a batch to fill", async () => {
    const { batcher, batches } = recordingBatcher({ tokenBudget: 1000, maxWaitMs: 200 });
    const first = batcher.submit({ kind: "fill-mask", request: "a", priority: "bulk", jobId: "j", tokens: 5 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([]);
    const second = batcher.submit({ kind: "fill-mask", request: "b", priority: "bulk", jobId: "j", tokens: 5 });
    await Promise.all([first, second]);
    expect(batches).toEqual([["a", "b"]]);
  });

  it("flushes a full batch without waiting", async () => {
    const { batcher, batches } = recordingBatcher({ tokenBudget: 20, maxWaitMs: 60_000 });
    const results = await Promise.all([
      batcher.submit({ kind: "fill-mask", request: "a", priority: "bulk", jobId: "j", tokens: 10 }),
      batcher.submit({ kind: "fill-mask", request: "b", priority: "bulk", jobId: "j", tokens: 10 }),
    ]);
    expect(results).toEqual(["fill-mask:a", "fill-mask:b"]);
    expect(batches).toEqual([["a", "b"]]);
  });

  it("rejects every request of a failed batch only", async () => {
    const { batcher } = recordingBatcher({ tokenBudget: 20, maxWaitMs: 0, fail: (texts) => texts.includes("bad") });
    const bad = batcher.submit({ kind: "fill-mask", request: "bad", priority: "bulk", jobId: "j", tokens: 20 });
    const good = batcher.submit({ kind: "fill-mask", request: "good", priority: "bulk", jobId: "k", tokens: 20 });
    await expect(bad).rejects.toThrow("runner failed");
    await expect(good).resolves.toBe("fill-mask:good");
  });

  it("runs pending requests on close and rejects new ones", async () => {
    const { batcher, batches } = recordingBatcher({ tokenBudget: 1000, maxWaitMs: 60_000 });
    const pending = batcher.submit({ kind: "fill-mask", request: "a", priority: "bulk", jobId: "j", tokens: 5 });
    await batcher.close();
    await expect(pending).resolves.toBe("fill-mask:a");
    expect(batches).toEqual([["a"]]);
    await expect(batcher.submit({ kind: "fill-mask", request: "b", priority: "bulk", jobId: "j", tokens: 5 })).rejects.toBeInstanceOf(BatcherClosedError);
  });

  it("hands the next batch over while one runs", async () => {
    const { batcher, batches, hold } = recordingBatcher({ tokenBudget: 20, maxWaitMs: 60_000, maxInFlight: 2 });
    const release = hold();
    const texts = ["a", "b", "c", "d", "e", "f"];
    const results = texts.map((text) => batcher.submit({ kind: "fill-mask", request: text, priority: "bulk", jobId: "j", tokens: 10 }));
    // Each pair fills the budget; two batches reach the held runner and the third waits for a free slot.
    expect(batches).toEqual([["a", "b"], ["c", "d"]]);
    expect(batcher.pendingCount).toBe(2);
    release();
    expect(await Promise.all(results)).toEqual(texts.map((text) => `fill-mask:${text}`));
    expect(batches).toEqual([["a", "b"], ["c", "d"], ["e", "f"]]);
  });

  it("gives bulk-only batches the larger budget", async () => {
    const { batcher, batches, hold } = recordingBatcher({ tokenBudget: 20, maxWaitMs: 0, bulkBudgetFactor: 3 });
    const release = hold();
    const first = batcher.submit({ kind: "fill-mask", request: "first", priority: "bulk", jobId: "j", tokens: 10 });
    const bulk = ["b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8"].map((text) =>
      batcher.submit({ kind: "fill-mask", request: text, priority: "bulk", jobId: "j", tokens: 10 }),
    );
    const sentence = batcher.submit({ kind: "fill-mask", request: "sentence", priority: "interactive", jobId: "s", tokens: 10 });
    release();
    await Promise.all([first, sentence, ...bulk]);
    expect(batches).toEqual([["first"], ["sentence", "b1"], ["b2", "b3", "b4", "b5", "b6", "b7"], ["b8"]]);
  });

  it("rejects invalid options", () => {
    expect(() => new MicroBatcher({ tokenBudget: 0, maxWaitMs: 5, run: async () => [] })).toThrow("tokenBudget must be a whole number of at least 1, got 0");
    expect(() => new MicroBatcher({ tokenBudget: 10, maxWaitMs: -1, run: async () => [] })).toThrow("maxWaitMs must be 0 or more milliseconds, got -1");
    expect(() => new MicroBatcher({ tokenBudget: 10, maxWaitMs: 1, maxInFlight: 0, run: async () => [] })).toThrow("maxInFlight must be a whole number of at least 1, got 0");
    expect(() => new MicroBatcher({ tokenBudget: 10, maxWaitMs: 1, bulkBudgetFactor: 0.5, run: async () => [] })).toThrow("bulkBudgetFactor must be 1 or more, got 0.5");
  });

  describe("submitParts", () => {
    /** Returns a nextPart function that follows p1 with p2 and p3, then ends. */
    const nextOf = () => (result: string) => {
      const index = Number(result.slice(-1));
      return index === 3 ? null : { kind: "score" as const, request: `p${index + 1}`, priority: "interactive" as const, jobId: "long", tokens: 10 };
    };
    const firstPart = { kind: "score" as const, request: "p1", priority: "interactive" as const, jobId: "long", tokens: 10 };

    it("runs later requests between parts", async () => {
      const { batcher, batches, hold } = recordingBatcher({ tokenBudget: 10, maxWaitMs: 0 });
      const release = hold();
      const parts = batcher.submitParts(firstPart, nextOf());
      expect(batches).toEqual([["p1"]]);
      const sentence = batcher.submit({ kind: "fill-mask", request: "sentence", priority: "interactive", jobId: "single", tokens: 10 });
      release();
      expect(await parts).toEqual(["score:p1", "score:p2", "score:p3"]);
      expect(await sentence).toBe("fill-mask:sentence");
      expect(batches).toEqual([["p1"], ["sentence"], ["p2"], ["p3"]]);
    });

    it("runs later parts without the batch wait", async () => {
      const { batcher, batches } = recordingBatcher({ tokenBudget: 10, maxWaitMs: 60_000 });
      // The first part fills the budget and runs at once. The later ones would wait a minute
      // for their batches to fill, far past the test's timeout, if they waited.
      const parts = batcher.submitParts(firstPart, (result) => (result === "score:p3" ? null : { ...firstPart, request: `p${Number(result.slice(-1)) + 1}`, tokens: 1 }));
      expect(await parts).toEqual(["score:p1", "score:p2", "score:p3"]);
      expect(batches).toEqual([["p1"], ["p2"], ["p3"]]);
    });

    it("stops at a failed part", async () => {
      const { batcher, batches } = recordingBatcher({ tokenBudget: 10, maxWaitMs: 0, fail: (texts) => texts.includes("p2") });
      await expect(batcher.submitParts(firstPart, nextOf())).rejects.toThrow("runner failed");
      expect(batches).toEqual([["p1"], ["p2"]]);
    });

    it("rejects when nextPart throws", async () => {
      const { batcher, batches } = recordingBatcher({ tokenBudget: 10, maxWaitMs: 0 });
      const failing = () => {
        throw new Error("no next part");
      };
      await expect(batcher.submitParts(firstPart, failing)).rejects.toThrow("no next part");
      expect(batches).toEqual([["p1"]]);
    });

    it("finishes every part before close resolves", async () => {
      const { batcher, batches } = recordingBatcher({ tokenBudget: 10, maxWaitMs: 0 });
      const parts = batcher.submitParts(firstPart, nextOf());
      await batcher.close();
      expect(batches).toEqual([["p1"], ["p2"], ["p3"]]);
      expect(await parts).toHaveLength(3);
      await expect(batcher.submitParts(firstPart, nextOf())).rejects.toThrow(BatcherClosedError);
    });
  });
});
