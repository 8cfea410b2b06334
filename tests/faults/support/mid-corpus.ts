import { afterAll, beforeAll, expect } from "vitest";
import { FaultStack, syntheticSentences } from "./fault-stack.ts";

/** Sentences in the corpus that each mid-corpus fault test submits. */
export const CORPUS_SIZE = 4000;

/** Predictions per mask, so each completed item has this many result rows. */
export const CORPUS_TOP_K = 3;

/** Items done before the fault is injected, so that it lands mid-corpus. */
const ITEMS_BEFORE_FAULT = 100;

/**
 * Starts a FaultStack with the named workers before the file's tests and stops it after them.
 * Returns a getter, because the stack exists only once beforeAll has run.
 */
export function useFaultStack(workerNames: string[]): () => FaultStack {
  let stack: FaultStack | undefined;

  beforeAll(async () => {
    stack = await FaultStack.start();
    for (const name of workerNames) {
      await stack.startWorker(name);
    }
  });

  afterAll(async () => {
    await stack?.stop();
  });

  return () => {
    if (stack === undefined) throw new Error("the fault stack is not started; call useFaultStack at the top level of the test file.");
    return stack;
  };
}

/**
 * Submits a corpus of CORPUS_SIZE sentences and runs `injectFault` once ITEMS_BEFORE_FAULT items
 * are done. Asserts that the fault landed mid-corpus and that the job completed with every item
 * done exactly once and CORPUS_TOP_K results per item.
 */
export async function expectCorpusSurvivesFault(stack: FaultStack, injectFault: () => Promise<void>): Promise<void> {
  const jobId = await stack.submitCorpus(syntheticSentences(CORPUS_SIZE), CORPUS_TOP_K);
  const doneAtFault = await stack.waitForProgress(jobId, ITEMS_BEFORE_FAULT);
  await injectFault();
  // The fault must land mid-corpus, otherwise the test proves nothing.
  expect(doneAtFault).toBeLessThan(CORPUS_SIZE);

  const counts = await stack.waitForJobEnd(jobId, CORPUS_TOP_K);
  expect(counts).toEqual({
    status: "completed",
    itemsTotal: CORPUS_SIZE,
    itemsDone: CORPUS_SIZE,
    itemsFailed: 0,
    items: CORPUS_SIZE,
    completedItems: CORPUS_SIZE,
    results: CORPUS_SIZE * CORPUS_TOP_K,
    itemsWithWrongResultCount: 0,
  });
}
