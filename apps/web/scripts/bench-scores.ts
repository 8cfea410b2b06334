/**
 * Times the score-table queries and the corpus summary on a synthetic score job.
 *   npx tsx apps/web/scripts/bench-scores.ts [ROWS]
 * ROWS defaults to 1,000,000. The script creates a scratch database on the Postgres server of
 * TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432), inserts the rows with
 * generate_series (about 90 s for a million rows), prints the median of five runs of each query
 * and drops the database.
 */
import type { PrismaClient } from "@maskfill/core/db";
import { createTestDatabase } from "@maskfill/core/testing";
import { readScoreSummary } from "../src/server/score-summary.ts";
import { readScorePage } from "../src/server/scores.ts";

const rows = Number(process.argv[2] ?? 1_000_000);
if (!Number.isInteger(rows) || rows < 1) {
  process.stderr.write(`ROWS must be a positive whole number, got ${process.argv[2]}.\n`);
  process.exit(2);
}

/** Inserts `rows` items with scores: N from 5 to 34 tokens and a mean log-probability from -9 to -1. */
async function seed(prisma: PrismaClient): Promise<string> {
  const job = await prisma.job.create({ data: { kind: "scoring", source: "corpus", options: {}, modelName: "bench", modelVariant: "", itemsTotal: rows }, select: { id: true } });
  await prisma.$executeRaw`
    INSERT INTO job_items (job_id, line_number, text, status)
    SELECT ${job.id}::uuid, g, 'sentence number ' || g, 'completed' FROM generate_series(1, ${rows}) g`;
  await prisma.$executeRaw`
    INSERT INTO sentence_scores (job_id, line_number, variant, model_name, pll, token_count, mean_pll, pseudo_perplexity)
    SELECT ${job.id}::uuid, g, 'original', 'bench', -(n * m), n, -m, exp(m)
    FROM (SELECT g, 5 + (g % 30) AS n, 1 + random() * 8 AS m FROM generate_series(1, ${rows}) g) s`;
  await prisma.$executeRaw`ANALYZE job_items`;
  await prisma.$executeRaw`ANALYZE sentence_scores`;
  return job.id;
}

async function time(name: string, run: () => Promise<unknown>): Promise<void> {
  const samples: number[] = [];
  for (let index = 0; index < 5; index += 1) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  samples.sort((left, right) => left - right);
  process.stdout.write(`${name}: ${Math.round(samples[2] ?? 0)} ms\n`);
}

const database = await createTestDatabase();
try {
  const { prisma } = database;
  const started = performance.now();
  const jobId = await seed(prisma);
  process.stdout.write(`inserted ${rows} scored rows in ${Math.round((performance.now() - started) / 1000)} s\n`);
  const first = await readScorePage(prisma, jobId, { sort: "pppl_asc", limit: 50 });
  await time("summary, 20 bins", () => readScoreSummary(prisma, jobId, 20));
  await time("most natural first, first page", () => readScorePage(prisma, jobId, { sort: "pppl_asc", limit: 50 }));
  await time("most natural first, next page", () => readScorePage(prisma, jobId, { sort: "pppl_asc", cursor: first.nextCursor ?? undefined, limit: 50 }));
  await time("least natural first, first page", () => readScorePage(prisma, jobId, { sort: "pppl_desc", limit: 50 }));
  await time("line order, first page", () => readScorePage(prisma, jobId, { sort: "line", limit: 50 }));
} finally {
  await database.drop();
}
