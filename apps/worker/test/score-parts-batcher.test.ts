import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine, type ScoreResult } from "@maskfill/core/engine";
import type { MaskfillProducer } from "@maskfill/core/queue";
import type { WorkerService } from "../src/service/worker-service.ts";
import { TINY_MODEL_DIR, waitFor } from "./helpers.ts";
import { startWorkerStack, type WorkerStack } from "./worker-stack.ts";

describe("long score requests in the worker's batcher", () => {
  let stack: WorkerStack;
  let worker: WorkerService;
  let producer: MaskfillProducer;

  beforeAll(async () => {
    stack = await startWorkerStack("score-parts", { MASKFILL_TOKEN_BUDGET: "2048", MASKFILL_BATCH_WAIT_MS: "5" });
    ({ worker, producer } = stack);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("lets a fill-mask run between parts", async () => {
    // 390 tokens with the tiny model's tokenizer.
    const text = "the ".repeat(390).trim();
    const { jobId: scoreJobId } = await producer.enqueueSentence({ kind: "score", text, options: { variant: "within_word_l2r" } });
    const isScoreBatch = (batch: { kind: string; jobIds: string[] }) => batch.kind === "score" && batch.jobIds.includes(scoreJobId);
    await waitFor(() => worker.recentBatches.some(isScoreBatch), "the first part of the score request to run");

    const fill = await producer.submitSentence({ kind: "fill-mask", text: "The <mask> sat on the mat." }, { timeoutMs: 30_000 });
    expect(fill.ok).toBe(true);
    const scoreOutcome = await producer.waitForSentence<"score">(scoreJobId, 60_000);
    if (!scoreOutcome.ok) throw new Error(`unexpected error outcome: ${scoreOutcome.error.message}`);

    // Parts of the score request ran after the fill-mask request, so it did not wait for all of them.
    const batches = worker.recentBatches;
    const fillIndex = batches.findIndex((batch) => batch.kind === "fill-mask" && batch.jobIds.includes(fill.jobId));
    const lastScoreIndex = batches.findLastIndex(isScoreBatch);
    expect(fillIndex).toBeGreaterThan(-1);
    expect(lastScoreIndex).toBeGreaterThan(fillIndex);
    // Each masked copy has 392 tokens with <s> and </s>, so a part of at most 2,048 tokens has 5 copies.
    expect(batches.filter(isScoreBatch).length).toBe(78);

    // The merged parts equal the sentence scored whole in one engine call.
    const engine = await Engine.load({ modelDir: TINY_MODEL_DIR });
    try {
      const [whole] = await engine.score([{ text, variant: "within_word_l2r" }]);
      if (!whole?.ok) throw new Error("the reference score failed");
      const merged: ScoreResult = scoreOutcome.value;
      expect(merged.tokenCount).toBe(390);
      expect(merged.tokens.map((token) => token.logProb)).toEqual(whole.value.tokens.map((token) => token.logProb));
      expect(merged.pll).toBe(whole.value.pll);
      expect(merged.part).toBeUndefined();
    } finally {
      await engine.dispose();
    }
  });
});
