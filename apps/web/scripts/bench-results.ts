/**
 * Times the results-table queries on a job of one million rows (three predictions each).
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/maskfill_bench npx tsx apps/web/scripts/bench-results.ts
 * The database must be migrated; the script inserts the synthetic job on first use (about two
 * minutes and 1 GB of disk) and reuses it afterwards. Drop the database when done.
 */
import { createPrismaClient } from "@maskfill/core/db";
import { readResultPage, type ResultFilters } from "../src/server/results.ts";

const JOB_ID = "11111111-1111-4111-8111-111111111111";
const ROWS = 1_000_000;
const url = process.env["DATABASE_URL"];
if (url === undefined || url === "") {
  process.stderr.write("DATABASE_URL is missing: point it at a migrated scratch database.\n");
  process.exit(2);
}
const prisma = createPrismaClient(url);

async function seed(): Promise<void> {
  const existing = await prisma.job.findUnique({ where: { id: JOB_ID } });
  if (existing !== null) return;
  process.stdout.write(`Inserting ${ROWS} items with 3 predictions each…\n`);
  await prisma.$executeRawUnsafe(`INSERT INTO jobs (id, kind, source, status, model_name, model_variant, items_total, items_done)
    VALUES ('${JOB_ID}', 'fill_mask', 'corpus', 'completed', 'bench', 'fp32', ${ROWS}, ${ROWS})`);
  await prisma.$executeRawUnsafe(`INSERT INTO job_items (job_id, line_number, text, status)
    SELECT '${JOB_ID}', g, 'Sentence number ' || g || ' talks about ' || (ARRAY['cats','dogs','the sea','music','rain'])[1 + g % 5] || ' and <mask> things.', 'completed'
    FROM generate_series(1, ${ROWS}) g`);
  await prisma.$executeRawUnsafe(`INSERT INTO fill_mask_results (job_id, line_number, mask_index, rank, token_id, token, probability, sequence)
    SELECT '${JOB_ID}', g, 0, r, 100 + ((g * 7 + r) % 500), ' tok' || ((g * 7 + r) % 500),
      (1.0 / (r + 1)) * (0.2 + 0.8 * ((g * 2654435761::bigint) % 1000003) / 1000003.0), 'seq'
    FROM generate_series(1, ${ROWS}) g, generate_series(1, 3) r`);
  await prisma.$executeRawUnsafe("ANALYZE");
}

/** Runs a page query five times and returns the median time in milliseconds. */
async function time(filters: ResultFilters, cursor?: string): Promise<{ ms: number; rows: number; next: string | null }> {
  const times: number[] = [];
  let rows = 0;
  let next: string | null = null;
  for (let run = 0; run < 5; run += 1) {
    const started = performance.now();
    const page = await readResultPage(prisma, JOB_ID, { ...filters, cursor, limit: 50 });
    times.push(performance.now() - started);
    rows = page.rows.length;
    next = page.nextCursor;
  }
  times.sort((a, b) => a - b);
  return { ms: times[2] ?? 0, rows, next };
}

await seed();
const cases: [string, ResultFilters][] = [
  ["line order, first page", { sort: "line" }],
  ["score desc, first page", { sort: "score_desc" }],
  ["score asc, first page", { sort: "score_asc" }],
  ["search 'number 98765'", { sort: "line", q: "number 98765" }],
  ["search 'the sea'", { sort: "line", q: "the sea" }],
  ["token 'tok42'", { sort: "line", token: "tok42" }],
  ["status failed (none)", { sort: "line", status: "failed" }],
];
for (const [name, filters] of cases) {
  const first = await time(filters);
  const second = first.next === null ? null : await time(filters, first.next);
  process.stdout.write(`${name.padEnd(28)} page 1: ${first.ms.toFixed(1)} ms (${first.rows} rows)${second === null ? "" : `, page 2: ${second.ms.toFixed(1)} ms`}\n`);
}
const deep = Buffer.from(JSON.stringify({ l: 999_000 })).toString("base64url");
process.stdout.write(`${"line order at row 999,000".padEnd(28)} ${(await time({ sort: "line" }, deep)).ms.toFixed(1)} ms\n`);
await prisma.$disconnect();
