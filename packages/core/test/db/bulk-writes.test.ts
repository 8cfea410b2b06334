import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { BulkWriteError } from "../../src/db/bulk-write-error";
import type { FillMaskResultRow, SentenceScoreRow } from "../../src/db/bulk-rows";
import { insertFillMaskResults, insertFillMaskResultsOfJobs } from "../../src/db/insert-fill-mask-results";
import { insertJobItems } from "../../src/db/insert-job-items";
import { insertSentenceScores } from "../../src/db/insert-sentence-scores";
import { recordItemOutcomes, recordItemOutcomesOfJobs } from "../../src/db/record-item-outcomes";
import { createTestDatabase, type TestDatabase } from "../../src/testing/database";

import { caughtError } from "./caught-error";

let database: TestDatabase;
let jobId: string;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

beforeEach(async () => {
  const job = await database.prisma.job.create({
    data: { kind: "fill_mask", source: "corpus", modelName: "mini-roberta", modelVariant: "fp32", itemsTotal: 4 },
  });
  jobId = job.id;
});


function items(count: number): { lineNumber: number; text: string }[] {
  return Array.from({ length: count }, (_, index) => ({ lineNumber: index + 1, text: `Sentence <mask> number ${index + 1}.` }));
}

function predictions(lineNumbers: number[]): FillMaskResultRow[] {
  return lineNumbers.flatMap((lineNumber) =>
    [0, 1].flatMap((maskIndex) =>
      [1, 2, 3].map((rank) => ({
        lineNumber,
        maskIndex,
        rank,
        tokenId: 100 * rank + maskIndex,
        token: ` word${rank}`,
        probability: 0.5 / rank,
        sequence: `line ${lineNumber} mask ${maskIndex} rank ${rank}`,
      })),
    ),
  );
}

function score(lineNumber: number): SentenceScoreRow {
  return {
    lineNumber,
    variant: "within_word_l2r",
    modelName: "mini-roberta",
    pll: -3.5,
    tokenCount: 2,
    meanPll: -1.75,
    pseudoPerplexity: Math.exp(1.75),
    tokens: [
      { position: 1, tokenId: 713, token: "The", wordIndex: 0, logProb: -1.25 },
      { position: 2, tokenId: 4758, token: " cat", wordIndex: 1, logProb: -2.25 },
    ],
  };
}

describe("insertJobItems", () => {
  it("inserts items once across retries", async () => {
    expect(await insertJobItems(database.prisma, jobId, items(3))).toBe(3);
    expect(await insertJobItems(database.prisma, jobId, items(3))).toBe(0);
    // A retry of a chunk that had partly committed adds only the missing rows.
    expect(await insertJobItems(database.prisma, jobId, items(5))).toBe(2);

    const stored = await database.prisma.jobItem.findMany({ where: { jobId }, orderBy: { lineNumber: "asc" } });
    expect(stored.map((item) => item.lineNumber)).toEqual([1, 2, 3, 4, 5]);
    expect(stored[4]?.text).toBe("Sentence <mask> number 5.");
    expect(stored.every((item) => item.status === "pending")).toBe(true);
  });

  it("stores text with array-literal characters unchanged", async () => {
    const texts = ['{"a", b}', "back\\slash", "NULL", "", "comma, quote\" and 'single'", "中文 <mask> 句子 😀", "tab\tnew\nline"];
    await insertJobItems(
      database.prisma,
      jobId,
      texts.map((text, index) => ({ lineNumber: index + 1, text })),
    );

    const stored = await database.prisma.jobItem.findMany({ where: { jobId }, orderBy: { lineNumber: "asc" } });
    expect(stored.map((item) => item.text)).toEqual(texts);
  });

  it("accepts an empty batch", async () => {
    expect(await insertJobItems(database.prisma, jobId, [])).toBe(0);
  });

  it("rejects a line number below 1", async () => {
    const error = await caughtError(insertJobItems(database.prisma, jobId, [{ lineNumber: 1, text: "ok" }, { lineNumber: 0, text: "zero" }]), BulkWriteError);

    expect(error.code).toBe("invalid_rows");
    expect(error.retryable).toBe(false);
    expect(error.message).toBe("Invalid job item at index 1: lineNumber must be a whole number of at least 1 (got 0).");
    expect(await database.prisma.jobItem.count({ where: { jobId } })).toBe(0);
  });

  it("rejects text with a NUL character", async () => {
    const error = await caughtError(insertJobItems(database.prisma, jobId, [{ lineNumber: 7, text: "bad\u0000text" }]), BulkWriteError);

    expect(error.code).toBe("invalid_rows");
    expect(error.message).toBe('Invalid job item at index 0: text must not contain the NUL character (U+0000) (got "bad\\u0000text").');
  });

  it("rejects a line number twice in one batch", async () => {
    const error = await caughtError(
      insertJobItems(database.prisma, jobId, [
        { lineNumber: 2, text: "first" },
        { lineNumber: 2, text: "second" },
      ]), BulkWriteError);

    expect(error.code).toBe("duplicate_rows");
    expect(error.message).toBe("Duplicate job item at indexes 0 and 1 (line 2): send each key once per batch.");
    expect(await database.prisma.jobItem.count({ where: { jobId } })).toBe(0);
  });

  it("rejects an unknown job", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    const error = await caughtError(insertJobItems(database.prisma, missing, items(1)), BulkWriteError);

    expect(error.code).toBe("missing_parent");
    expect(error.message).toBe(`Cannot insert items for job ${missing}: the job does not exist. Create the job first.`);
  });

  it("rejects a jobId that is not a UUID", async () => {
    const error = await caughtError(insertJobItems(database.prisma, "job-1", items(1)), BulkWriteError);

    expect(error.code).toBe("invalid_rows");
    expect(error.message).toBe('Invalid jobId "job-1": it must be the UUID of an existing job.');
  });

  it("works inside an interactive transaction", async () => {
    await database.prisma.$transaction(async (transaction) => {
      await insertJobItems(transaction, jobId, items(2));
      await insertFillMaskResults(transaction, jobId, predictions([1, 2]));
    });

    expect(await database.prisma.fillMaskResult.count({ where: { jobId } })).toBe(12);
  });
});

describe("insertFillMaskResults", () => {
  it("inserts predictions once across retries", async () => {
    await insertJobItems(database.prisma, jobId, items(3));

    expect(await insertFillMaskResults(database.prisma, jobId, predictions([1, 2]))).toBe(12);
    expect(await insertFillMaskResults(database.prisma, jobId, predictions([1, 2]))).toBe(0);
    expect(await insertFillMaskResults(database.prisma, jobId, predictions([2, 3]))).toBe(6);
    expect(await database.prisma.fillMaskResult.count({ where: { jobId } })).toBe(18);
  });

  it("stores every value exactly", async () => {
    await insertJobItems(database.prisma, jobId, items(1));
    const row = { lineNumber: 1, maskIndex: 3, rank: 2, tokenId: 50_264, token: ' "quoted"', probability: 0.123456789012345_6, sequence: "a {b} c" };
    await insertFillMaskResults(database.prisma, jobId, [row, { ...row, rank: 1, probability: 1e-300 }]);

    const stored = await database.prisma.fillMaskResult.findMany({ where: { jobId }, orderBy: { rank: "desc" } });
    expect(stored[0]).toEqual({ jobId, ...row });
    expect(stored[1]?.probability).toBe(1e-300);
  });

  it("rejects a batch with an unknown item and writes nothing", async () => {
    await insertJobItems(database.prisma, jobId, items(1));

    const error = await caughtError(insertFillMaskResults(database.prisma, jobId, predictions([1, 9])), BulkWriteError);

    expect(error.code).toBe("missing_parent");
    expect(error.message).toBe(`Cannot insert fill-mask results for job ${jobId}: some rows refer to items that do not exist. Insert the job items first.`);
    expect(await database.prisma.fillMaskResult.count({ where: { jobId } })).toBe(0);
  });

  it("rejects a non-finite probability", async () => {
    const rows = predictions([1]);
    rows[4] = { ...rows[4]!, probability: Number.NaN };

    const error = await caughtError(insertFillMaskResults(database.prisma, jobId, rows), BulkWriteError);

    expect(error.message).toBe("Invalid fill-mask result at index 4: probability must be a finite number (got NaN).");
  });

  it("rejects an infinite log-probability", async () => {
    const row = score(1);
    row.tokens[1] = { ...row.tokens[1]!, logProb: Number.NEGATIVE_INFINITY };

    const error = await caughtError(insertSentenceScores(database.prisma, jobId, [row]), BulkWriteError);

    expect(error.message).toBe("Invalid sentence score at index 0: tokens.1.logProb must be a finite number (got -Infinity).");
  });

  it("rejects the same rank twice for one mask", async () => {
    const rows = predictions([1]);
    rows.push({ ...rows[0]!, token: " other" });

    const error = await caughtError(insertFillMaskResults(database.prisma, jobId, rows), BulkWriteError);

    expect(error.code).toBe("duplicate_rows");
    expect(error.message).toBe("Duplicate fill-mask result at indexes 0 and 6 (line 1, mask 0, rank 1): send each key once per batch.");
  });

  it("inserts a large batch in one call", async () => {
    const lineNumbers = Array.from({ length: 1000 }, (_, index) => index + 1);
    await insertJobItems(database.prisma, jobId, items(1000));

    expect(await insertFillMaskResults(database.prisma, jobId, predictions(lineNumbers))).toBe(6000);
  });
});

describe("insertSentenceScores", () => {
  it("inserts sentences with their tokens once across retries", async () => {
    await insertJobItems(database.prisma, jobId, items(2));

    expect(await insertSentenceScores(database.prisma, jobId, [score(1), score(2)])).toEqual({ sentences: 2, tokens: 4 });
    expect(await insertSentenceScores(database.prisma, jobId, [score(1), score(2)])).toEqual({ sentences: 0, tokens: 0 });

    const stored = await database.prisma.sentenceScore.findUnique({
      where: { jobId_lineNumber: { jobId, lineNumber: 2 } },
      include: { tokens: { orderBy: { position: "asc" } } },
    });
    const { tokens, ...sentence } = score(2);
    expect(stored).toEqual({ jobId, ...sentence, tokens: tokens.map((token) => ({ jobId, lineNumber: 2, ...token })) });
  });

  it("rejects an unknown item and writes nothing", async () => {
    await insertJobItems(database.prisma, jobId, items(1));

    const error = await caughtError(insertSentenceScores(database.prisma, jobId, [score(1), score(5)]), BulkWriteError);

    expect(error.code).toBe("missing_parent");
    expect(await database.prisma.sentenceScore.count({ where: { jobId } })).toBe(0);
    expect(await database.prisma.tokenScore.count({ where: { jobId } })).toBe(0);
  });

  it("rejects a token position twice in one sentence", async () => {
    const row = score(1);
    row.tokens.push({ ...row.tokens[0]! });

    const error = await caughtError(insertSentenceScores(database.prisma, jobId, [row]), BulkWriteError);

    expect(error.code).toBe("duplicate_rows");
    expect(error.message).toBe("Duplicate token score (line 1, position 1): each position may appear once per sentence.");
  });

  it("rejects an unknown variant", async () => {
    const row = { ...score(1), variant: "l2r" } as unknown as SentenceScoreRow;

    const error = await caughtError(insertSentenceScores(database.prisma, jobId, [row]), BulkWriteError);

    expect(error.message).toBe('Invalid sentence score at index 0: variant must be "original" or "within_word_l2r" (got "l2r").');
  });
});

describe("recordItemOutcomes", () => {
  beforeEach(async () => {
    await insertJobItems(database.prisma, jobId, items(4));
  });

  it("counts each item once across retries", async () => {
    const outcomes = [
      { lineNumber: 1, status: "completed" as const },
      { lineNumber: 2, status: "completed" as const, windowStart: 0, windowEnd: 40 },
      { lineNumber: 3, status: "failed" as const, errorCode: "no_mask", error: "The text has no <mask> token." },
    ];

    expect(await recordItemOutcomes(database.prisma, jobId, outcomes)).toEqual({ itemsTotal: 4, itemsDone: 2, itemsFailed: 1, itemsChanged: 3 });
    expect(await recordItemOutcomes(database.prisma, jobId, outcomes)).toEqual({ itemsTotal: 4, itemsDone: 2, itemsFailed: 1, itemsChanged: 0 });

    const failed = await database.prisma.jobItem.findUnique({ where: { jobId_lineNumber: { jobId, lineNumber: 3 } } });
    expect(failed).toMatchObject({ status: "failed", errorCode: "no_mask", error: "The text has no <mask> token." });
    const windowed = await database.prisma.jobItem.findUnique({ where: { jobId_lineNumber: { jobId, lineNumber: 2 } } });
    expect(windowed).toMatchObject({ status: "completed", windowStart: 0, windowEnd: 40 });
  });

  it("moves a failed item to done when a retry succeeds", async () => {
    await recordItemOutcomes(database.prisma, jobId, [{ lineNumber: 4, status: "failed", errorCode: "timeout", error: "Timed out." }]);

    const progress = await recordItemOutcomes(database.prisma, jobId, [{ lineNumber: 4, status: "completed" }]);

    expect(progress).toEqual({ itemsTotal: 4, itemsDone: 1, itemsFailed: 0, itemsChanged: 1 });
    const item = await database.prisma.jobItem.findUnique({ where: { jobId_lineNumber: { jobId, lineNumber: 4 } } });
    expect(item).toMatchObject({ status: "completed", errorCode: null, error: null });
  });

  it("counts concurrent retries of one chunk once", async () => {
    const outcomes = [1, 2, 3, 4].map((lineNumber) => ({ lineNumber, status: "completed" as const }));

    await Promise.all([
      recordItemOutcomes(database.prisma, jobId, outcomes),
      recordItemOutcomes(database.prisma, jobId, outcomes),
      recordItemOutcomes(database.prisma, jobId, outcomes),
    ]);

    const job = await database.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.itemsDone).toBe(4);
    expect(job.itemsFailed).toBe(0);
  });

  it("rejects outcomes for unknown items and changes nothing", async () => {
    const error = await caughtError(
      recordItemOutcomes(database.prisma, jobId, [
        { lineNumber: 1, status: "completed" },
        { lineNumber: 99, status: "completed" },
      ]), BulkWriteError);

    expect(error.code).toBe("missing_parent");
    expect(error.message).toBe(`Cannot record outcomes for job ${jobId}: 1 of 2 items do not exist. Insert the job items first.`);
    const job = await database.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.itemsDone).toBe(0);
    const item = await database.prisma.jobItem.findUnique({ where: { jobId_lineNumber: { jobId, lineNumber: 1 } } });
    expect(item?.status).toBe("pending");
  });

  it("rejects an unknown job", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";

    const error = await caughtError(recordItemOutcomes(database.prisma, missing, [{ lineNumber: 1, status: "completed" }]), BulkWriteError);

    expect(error.code).toBe("missing_parent");
    expect(error.message).toBe(`Cannot record item outcomes for job ${missing}: the job does not exist.`);
  });

  it("rejects a pending status", async () => {
    const error = await caughtError(recordItemOutcomes(database.prisma, jobId, [{ lineNumber: 1, status: "pending" as "completed" }]), BulkWriteError);

    expect(error.message).toBe('Invalid item outcome at index 0: status must be "completed" or "failed" (got "pending").');
  });
});

describe("writes of several jobs in one statement", () => {
  async function secondJob(): Promise<string> {
    const job = await database.prisma.job.create({
      data: { kind: "fill_mask", source: "corpus", modelName: "mini-roberta", modelVariant: "fp32", itemsTotal: 2 },
    });
    await insertJobItems(database.prisma, job.id, items(2));
    return job.id;
  }

  it("records each job's outcomes and returns each job's counters", async () => {
    await insertJobItems(database.prisma, jobId, items(4));
    const other = await secondJob();
    expect(await insertFillMaskResultsOfJobs(database.prisma, [{ jobId, rows: predictions([1]) }, { jobId: other, rows: predictions([1, 2]) }])).toBe(18);

    const progress = await recordItemOutcomesOfJobs(database.prisma, [
      { jobId, rows: [{ lineNumber: 1, status: "completed" }] },
      { jobId: other, rows: [{ lineNumber: 1, status: "completed" }, { lineNumber: 2, status: "failed", errorCode: "no_mask", error: "No mask." }] },
    ]);
    expect(Object.fromEntries(progress)).toEqual({
      [jobId]: { itemsTotal: 4, itemsDone: 1, itemsFailed: 0, itemsChanged: 1 },
      [other]: { itemsTotal: 2, itemsDone: 1, itemsFailed: 1, itemsChanged: 2 },
    });
    expect(await database.prisma.fillMaskResult.count({ where: { jobId: other } })).toBe(12);
  });

  it("changes no job when an item of one job is missing", async () => {
    await insertJobItems(database.prisma, jobId, items(4));
    const other = await secondJob();
    const error = await caughtError(
      recordItemOutcomesOfJobs(database.prisma, [
        { jobId, rows: [{ lineNumber: 1, status: "completed" }] },
        { jobId: other, rows: [{ lineNumber: 9, status: "completed" }] },
      ]),
      BulkWriteError,
    );
    expect(error.message).toBe(`Cannot record outcomes for job ${other}: 1 of 1 items do not exist. Insert the job items first.`);
    expect(await database.prisma.jobItem.count({ where: { jobId: { in: [jobId, other] }, status: { not: "pending" } } })).toBe(0);
    const job = await database.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect([job.itemsDone, job.itemsFailed]).toEqual([0, 0]);
  });

  it("rejects a job named twice", async () => {
    const error = await caughtError(
      recordItemOutcomesOfJobs(database.prisma, [
        { jobId, rows: [] },
        { jobId, rows: [] },
      ]),
      BulkWriteError,
    );
    expect(error.message).toBe("Each job may appear once in a multi-job outcome write; merge its outcomes first.");
  });
});

describe("schema", () => {
  it("job delete cascades to results", async () => {
    await insertJobItems(database.prisma, jobId, items(2));
    await insertFillMaskResults(database.prisma, jobId, predictions([1]));
    await insertSentenceScores(database.prisma, jobId, [score(2)]);

    await database.prisma.job.delete({ where: { id: jobId } });

    expect(await database.prisma.jobItem.count({ where: { jobId } })).toBe(0);
    expect(await database.prisma.fillMaskResult.count({ where: { jobId } })).toBe(0);
    expect(await database.prisma.sentenceScore.count({ where: { jobId } })).toBe(0);
    expect(await database.prisma.tokenScore.count({ where: { jobId } })).toBe(0);
  });

  it("ILIKE search uses trigram index", async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      // Without sequential scans the planner must pick an index, and only the trigram index serves ILIKE '%...%'.
      await client.query("SET enable_seqscan = off");
      const plan = await client.query<{ "QUERY PLAN": string }>("EXPLAIN SELECT line_number FROM job_items WHERE text ILIKE '%number 7%'");
      const text = plan.rows.map((row) => row["QUERY PLAN"]).join("\n");
      expect(text).toContain("job_items_text_idx");
    } finally {
      await client.end();
    }
  });
});
