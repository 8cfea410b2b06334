import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultStack, syntheticSentences } from "./support/fault-stack.ts";

const TOTAL = 4000;
const TOP_K = 3;

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start();
  await stack.startWorker("victim");
  await stack.startWorker("survivor");
});

afterAll(async () => {
  await stack?.stop();
});

describe("worker killed mid-corpus", () => {
  it("completes every item exactly once", async () => {
    const jobId = await stack.submitCorpus(syntheticSentences(TOTAL), TOP_K);
    const doneAtKill = await stack.waitForProgress(jobId, 100);
    await stack.killWorker("victim");
    // The kill must land mid-corpus, otherwise this test proves nothing.
    expect(doneAtKill).toBeLessThan(TOTAL);

    const counts = await stack.waitForJobEnd(jobId, TOP_K);
    expect(counts).toEqual({
      status: "completed",
      itemsTotal: TOTAL,
      itemsDone: TOTAL,
      itemsFailed: 0,
      items: TOTAL,
      completedItems: TOTAL,
      results: TOTAL * TOP_K,
      itemsWithWrongResultCount: 0,
    });
  });
});
