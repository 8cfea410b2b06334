import { summarizeScores } from "@maskfill/core/scoring";
import { insertSentenceScores } from "@maskfill/core/db";
import { createTestDatabase, type TestDatabase } from "@maskfill/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../src/server/http/api-error.ts";
import { scoreExportStream } from "../../src/server/export/score-stream.ts";
import { readScoreSummary } from "../../src/server/score-summary.ts";
import { readScoreDetail, readScorePage } from "../../src/server/scores.ts";

// The score queries of the dashboard against a real Postgres database with the product's
// migrations. Scored rows are written with the same function the workers use.

interface Fixture {
  line: number;
  text: string;
  logProbs: number[];
}

const SCORED: Fixture[] = [
  { line: 1, text: "The cat sat on the mat.", logProbs: [-1.5, -2.25, -0.5, -3, -0.75] },
  { line: 2, text: "=SUM(A1) mat the on", logProbs: [-9, -7.5, -11, -8.25] },
  { line: 3, text: "A short one.", logProbs: [-2, -4] },
  { line: 5, text: "Dogs bark at night.", logProbs: [-1, -2, -3, -2.5, -1.25, -0.5] },
  { line: 6, text: "Night at bark dogs.", logProbs: [-6, -5, -7, -4.5] },
  { line: 7, text: "50% of the cats, said the \"report\".", logProbs: [-3, -2, -1, -4, -2, -3, -1.5] },
  { line: 8, text: "Same mean as line three.", logProbs: [-3, -3] },
];

let database: TestDatabase;
let jobId: string;

function totals(fixture: Fixture): { pll: number; tokenCount: number } {
  return { pll: fixture.logProbs.reduce((sum, value) => sum + value, 0), tokenCount: fixture.logProbs.length };
}

beforeAll(async () => {
  database = await createTestDatabase();
  const items = [
    ...SCORED.map((fixture) => ({ lineNumber: fixture.line, text: fixture.text, status: "completed" as const })),
    { lineNumber: 4, text: "Still waiting.", status: "pending" as const },
    { lineNumber: 9, text: "", status: "failed" as const, errorCode: "invalid_json", error: "Line 9 is not valid JSON." },
  ];
  const job = await database.prisma.job.create({
    data: { kind: "scoring", source: "corpus", options: { variant: "original" }, modelName: "tiny-roberta", modelVariant: "fp32", itemsTotal: items.length, items: { create: items } },
    select: { id: true },
  });
  jobId = job.id;
  await insertSentenceScores(
    database.prisma,
    jobId,
    SCORED.map((fixture) => {
      const { pll, tokenCount } = totals(fixture);
      return {
        lineNumber: fixture.line,
        variant: "original" as const,
        modelName: "tiny-roberta",
        pll,
        tokenCount,
        meanPll: pll / tokenCount,
        pseudoPerplexity: Math.exp(-pll / tokenCount),
        tokens: fixture.logProbs.map((logProb, index) => ({ position: index + 1, tokenId: 100 + index, token: ` t${index}`, wordIndex: index, logProb })),
      };
    }),
  );
}, 60_000);

afterAll(async () => {
  await database?.drop();
});

/** Scored lines from lowest to highest PPPL; equal PPPL puts the higher line number first, as the query does. */
function expectedMostNaturalFirst(): number[] {
  return [...SCORED]
    .map((fixture) => ({ line: fixture.line, mean: totals(fixture).pll / totals(fixture).tokenCount }))
    .sort((left, right) => right.mean - left.mean || right.line - left.line)
    .map((entry) => entry.line);
}

describe("score summary", () => {
  it("matches the engine's summarizeScores", async () => {
    const summary = await readScoreSummary(database.prisma, jobId, 4);
    const expected = summarizeScores(SCORED.map(totals), { histogramBins: 4 });
    expect(summary.sentences).toBe(7);
    expect(summary.tokens).toBe(expected.tokens);
    expect(summary.totalPll).toBeCloseTo(expected.totalPll, 10);
    expect(summary.corpusPseudoPerplexity).toBeCloseTo(expected.corpusPseudoPerplexity ?? Number.NaN, 9);
    const distribution = summary.pseudoPerplexity;
    const engine = expected.pseudoPerplexity;
    if (distribution === null || engine === null) throw new Error("both summaries must have a distribution");
    expect(distribution.min).toBeCloseTo(engine.min, 9);
    expect(distribution.max).toBeCloseTo(engine.max, 9);
    expect(distribution.mean).toBeCloseTo(engine.mean, 9);
    expect(distribution.quantiles.map((entry) => entry.quantile)).toEqual(engine.quantiles.map((entry) => entry.quantile));
    for (const [index, entry] of distribution.quantiles.entries()) {
      expect(entry.value).toBeCloseTo(engine.quantiles[index]?.value ?? Number.NaN, 9);
    }
    expect(distribution.histogram.map((bin) => bin.count)).toEqual(engine.histogram.map((bin) => bin.count));
    for (const [index, bin] of distribution.histogram.entries()) {
      expect(bin.lower).toBeCloseTo(engine.histogram[index]?.lower ?? Number.NaN, 9);
      expect(bin.upper).toBeCloseTo(engine.histogram[index]?.upper ?? Number.NaN, 9);
    }
  });

  it("is empty for a job without scores", async () => {
    const other = await database.prisma.job.create({ data: { kind: "scoring", source: "corpus", options: {}, modelName: "", modelVariant: "" }, select: { id: true } });
    expect(await readScoreSummary(database.prisma, other.id, 20)).toEqual({ sentences: 0, tokens: 0, totalPll: 0, corpusPseudoPerplexity: null, pseudoPerplexity: null });
  });
});

describe("score page", () => {
  it("pages most natural first", async () => {
    const lines: number[] = [];
    let cursor: string | undefined;
    for (let pageIndex = 0; pageIndex < 10; pageIndex += 1) {
      const page = await readScorePage(database.prisma, jobId, { sort: "pppl_asc", cursor, limit: 3 });
      lines.push(...page.rows.map((row) => row.lineNumber));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(lines).toEqual(expectedMostNaturalFirst());
  });

  it("pages least natural first", async () => {
    const first = await readScorePage(database.prisma, jobId, { sort: "pppl_desc", limit: 4 });
    const second = await readScorePage(database.prisma, jobId, { sort: "pppl_desc", cursor: first.nextCursor ?? undefined, limit: 4 });
    expect([...first.rows, ...second.rows].map((row) => row.lineNumber)).toEqual(expectedMostNaturalFirst().reverse());
    expect(second.nextCursor).toBeNull();
  });

  it("lists unscored lines in line order", async () => {
    const page = await readScorePage(database.prisma, jobId, { sort: "line", limit: 50 });
    expect(page.rows.map((row) => row.lineNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(page.rows[3]).toEqual({ lineNumber: 4, text: "Still waiting.", status: "pending", error: null, errorCode: null, model: null, score: null });
    expect(page.rows[8]?.error).toBe("Line 9 is not valid JSON.");
    expect(page.rows[8]?.errorCode).toBe("invalid_json");
    expect(page.rows[0]?.score).toEqual({ variant: "original", pll: -8, tokenCount: 5, meanPll: -1.6, pseudoPerplexity: Math.exp(1.6) });
    expect(page.rows[0]?.model).toBe("tiny-roberta");
  });

  it("filters by literal text", async () => {
    const page = await readScorePage(database.prisma, jobId, { sort: "pppl_asc", q: "50%", limit: 50 });
    expect(page.rows.map((row) => row.lineNumber)).toEqual([7]);
  });

  it("rejects a tampered cursor", async () => {
    const cursor = Buffer.from(JSON.stringify({ p: 0.5, l: 1 })).toString("base64url");
    const error = await readScorePage(database.prisma, jobId, { sort: "pppl_asc", cursor, limit: 5 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).options.field).toBe("cursor");
  });
});

describe("score detail", () => {
  it("returns tokens in position order", async () => {
    const detail = await readScoreDetail(database.prisma, jobId, 3);
    expect(detail.row.text).toBe("A short one.");
    expect(detail.tokens).toEqual([
      { position: 1, tokenId: 100, token: " t0", wordIndex: 0, logProb: -2 },
      { position: 2, tokenId: 101, token: " t1", wordIndex: 1, logProb: -4 },
    ]);
  });

  it("returns no tokens for a pending line", async () => {
    const detail = await readScoreDetail(database.prisma, jobId, 4);
    expect(detail.row.score).toBeNull();
    expect(detail.tokens).toEqual([]);
  });

  it("rejects an unknown line with 404", async () => {
    const error = await readScoreDetail(database.prisma, jobId, 42).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).code).toBe("line_not_found");
    expect((error as ApiError).options.field).toBe("line");
  });
});

describe("score export", () => {
  async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
    // ignoreBOM keeps the byte order mark in the text, so the test can check that it is there.
    return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await new Response(stream).arrayBuffer());
  }

  it("writes CSV with neutralised formulas", async () => {
    const csv = await readAll(scoreExportStream(database.prisma, jobId, { sort: "line" }, "csv"));
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("\uFEFFline_number,text,status,error,variant,model,pll,token_count,mean_pll,pseudo_perplexity");
    expect(lines[1]).toBe(`1,The cat sat on the mat.,completed,,original,tiny-roberta,-8,5,-1.6,${Math.exp(1.6)}`);
    expect(lines[2]).toBe(`2,'=SUM(A1) mat the on,completed,,original,tiny-roberta,-35.75,4,-8.9375,${Math.exp(8.9375)}`);
    expect(lines[4]).toBe("4,Still waiting.,pending,,,,,,,");
    expect(lines[7]).toBe(`7,"50% of the cats, said the ""report"".",completed,,original,tiny-roberta,-16.5,7,${-16.5 / 7},${Math.exp(16.5 / 7)}`);
    expect(lines).toHaveLength(11);
  });

  it("writes JSONL with tokens", async () => {
    const jsonl = await readAll(scoreExportStream(database.prisma, jobId, { sort: "pppl_asc" }, "jsonl"));
    const rows = jsonl.trim().split("\n").map((line) => JSON.parse(line) as { lineNumber: number; pll: number; tokens: { logProb: number }[] });
    expect(rows.map((row) => row.lineNumber)).toEqual(expectedMostNaturalFirst());
    for (const row of rows) {
      const fixture = SCORED.find((entry) => entry.line === row.lineNumber);
      expect(row.pll).toBe(totals(fixture ?? { line: 0, text: "", logProbs: [] }).pll);
      expect(row.tokens.map((token) => token.logProb)).toEqual(fixture?.logProbs);
    }
  });
});
