import { describe, expect, it } from "vitest";
import { expectCorpusSurvivesFault, useFaultStack } from "./support/mid-corpus.ts";
import { waitFor } from "./support/processes.ts";

const stack = useFaultStack(["first", "second"]);

describe("Redis restarted mid-corpus", () => {
  it("completes the job with nothing lost or duplicated", async () => {
    await expectCorpusSurvivesFault(stack(), () => stack().redis.restart(2_000));
  });

  it("serves predictions again through the reconnected web app", async () => {
    const answer = await waitFor(async () => {
      const response = await stack().api<{ result: { masks: unknown[] } }>("/api/predict", { method: "POST", body: JSON.stringify({ text: "The <mask> sat on the mat.", topK: 2 }) });
      return response.status === 200 ? response : undefined;
    }, `a prediction after the Redis restart\n${stack().logs()}`, 30_000, 500);
    expect(answer.body.result.masks).toHaveLength(1);
  });

  it("returns 503 while Redis is down", async () => {
    await stack().redis.pause();
    try {
      const started = Date.now();
      const answer = await stack().api<{ error: { code: string; message: string; retryable: boolean } }>("/api/predict", { method: "POST", body: JSON.stringify({ text: "A <mask> day." }) });
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe("queue_unavailable");
      expect(answer.body.error.retryable).toBe(true);
      expect(answer.headers.get("retry-after")).toBe("5");
      // The response must come promptly instead of waiting for Redis to return.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await stack().redis.resume();
    }
  });
});
