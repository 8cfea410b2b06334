import { describe, expect, it } from "vitest";

import {
  checkConcurrentJobs,
  checkCorpusRows,
  checkFillOptions,
  checkQueueDepth,
  checkSentence,
  checkUploadSize,
  LimitExceededError,
  loadLimits,
} from "../../src/limits/index.ts";

function thrown(action: () => void): LimitExceededError {
  try {
    action();
  } catch (error) {
    if (error instanceof LimitExceededError) return error;
    throw error;
  }
  throw new Error("expected a LimitExceededError");
}

const limits = loadLimits({});

describe("loadLimits", () => {
  it("applies defaults", () => {
    expect(limits).toEqual({
      ratePerToken: 600,
      ratePerIp: 1200,
      rateWindowSeconds: 60,
      maxSentenceChars: 2000,
      maxMasks: 16,
      maxTopK: 100,
      maxTargets: 100,
      maxCorpusRows: 1_000_000,
      maxConcurrentJobs: 5,
      maxQueueDepth: 1000,
    });
  });

  it("reads overrides", () => {
    expect(loadLimits({ MASKFILL_MAX_MASKS: "3", MASKFILL_RATE_LIMIT_PER_IP: "10" })).toMatchObject({ maxMasks: 3, ratePerIp: 10 });
  });

  it("lists every invalid variable with its value", () => {
    expect(() => loadLimits({ MASKFILL_MAX_MASKS: "0", MASKFILL_MAX_TOP_K: "lots" })).toThrow(
      'Invalid limit variables:\n- MASKFILL_MAX_MASKS must be at least 1 (got "0")\n- MASKFILL_MAX_TOP_K must be a number (got "lots")\nFix these variables and restart.',
    );
  });
});

describe("request checks", () => {
  it("accepts requests at the limits", () => {
    const small = { ...limits, maxSentenceChars: 20, maxMasks: 2 };
    expect(() => checkSentence("a <mask> b [mask] c.", small)).not.toThrow();
    expect(() => checkFillOptions({ topK: 100, targets: Array.from({ length: 100 }, (_, i) => `w${i}`) }, limits)).not.toThrow();
    expect(() => checkUploadSize(10, 10)).not.toThrow();
    expect(() => checkCorpusRows(1_000_000, limits)).not.toThrow();
    expect(() => checkConcurrentJobs(4, limits)).not.toThrow();
    expect(() => checkQueueDepth(1000, limits)).not.toThrow();
  });

  it("rejects a long sentence", () => {
    const error = thrown(() => checkSentence("x".repeat(1_000_000), limits));
    expect(error.code).toBe("sentence_too_long");
    expect(error.status).toBe(422);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe("sentence has 1000000 characters, more than the limit of 2000; shorten it or split it into several sentences");
  });

  it("counts both mask spellings", () => {
    const error = thrown(() => checkSentence("<mask> ".repeat(10) + "[MASK] ".repeat(7), limits));
    expect(error.code).toBe("too_many_masks");
    expect(error.actual).toBe(17);
    expect(error.limit).toBe(16);
  });

  it("rejects 10,000 masks", () => {
    const error = thrown(() => checkSentence("<mask>".repeat(10_000), { maxSentenceChars: 100_000, maxMasks: 16 }));
    expect(error.actual).toBe(10_000);
  });

  it("rejects large top-k and many targets", () => {
    expect(thrown(() => checkFillOptions({ topK: 101 }, limits)).message).toBe("topK is 101, more than the limit of 100; ask for fewer predictions");
    expect(thrown(() => checkFillOptions({ targets: Array.from({ length: 101 }, () => "x") }, limits)).code).toBe("too_many_targets");
  });

  it("maps size limits to 413", () => {
    expect(thrown(() => checkUploadSize(11, 10)).status).toBe(413);
    expect(thrown(() => checkCorpusRows(1_000_001, limits)).status).toBe(413);
  });

  it("asks to retry busy and concurrency answers", () => {
    const busy = thrown(() => checkQueueDepth(1001, limits));
    expect(busy.status).toBe(503);
    expect(busy.retryAfterSeconds).toBe(5);
    const concurrent = thrown(() => checkConcurrentJobs(5, limits));
    expect(concurrent.status).toBe(429);
    expect(concurrent.message).toBe("you already have 5 queued or running jobs, the limit is 5; wait for one to finish or cancel one");
  });
});
