import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FaultStack, syntheticSentences } from "./support/fault-stack.ts";

const TOTAL = 4000;
const TOP_K = 3;

let stack: FaultStack;

beforeAll(async () => {
  stack = await FaultStack.start();
  await stack.startWorker("first");
  await stack.startWorker("second");
});

afterAll(async () => {
  await stack?.stop();
});

describe("Postgres restarted mid-corpus", () => {
  it("retries the writes with nothing duplicated or lost", async () => {
    const jobId = await stack.submitCorpus(syntheticSentences(TOTAL), TOP_K);
    const doneAtRestart = await stack.waitForProgress(jobId, 100);
    await stack.postgres.restart(2_000);
    expect(doneAtRestart).toBeLessThan(TOTAL);

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

  it("keeps sign-in working after the restart", async () => {
    const answer = await stack.api<{ user: { username: string } }>("/api/auth/me");
    expect(answer.status).toBe(200);
    expect(answer.body.user.username).toBe("fault-admin");
  });
});
