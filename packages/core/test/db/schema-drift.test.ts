import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../src/testing/database";
import { findSchemaDrift } from "./schema-drift";

const schemaPath = fileURLToPath(new URL("../../../../prisma/schema.prisma", import.meta.url));
const schema = readFileSync(schemaPath, "utf8");

/** Returns the schema with `search` replaced once. Throws when the text is not there exactly once, so no mutation silently does nothing. */
function mutate(search: string, replacement: string): string {
  const count = schema.split(search).length - 1;
  if (count !== 1) {
    throw new Error(`expected exactly one "${search}" in schema.prisma, found ${count}`);
  }
  return schema.replace(search, replacement);
}

describe("schema.prisma and migrations", () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it("migrated database matches schema.prisma", async () => {
    expect(await findSchemaDrift(schema, client)).toEqual([]);
  });

  // Each case changes schema.prisma the way a forgotten migration would and checks that the
  // comparison reports exactly that difference.
  const cases: { name: string; schema: () => string; expected: string[] }[] = [
    {
      name: "nullability",
      schema: () => mutate('fileName     String?    @map("file_name")', 'fileName     String     @map("file_name")'),
      expected: ["column jobs.file_name is nullable in the database, schema.prisma expects NOT NULL"],
    },
    {
      name: "column type",
      schema: () => mutate('fileSize     Int?       @map("file_size")', 'fileSize     BigInt?    @map("file_size")'),
      expected: ["column jobs.file_size has type integer in the database, schema.prisma expects bigint"],
    },
    {
      name: "default value",
      schema: () => mutate('itemsTotal   Int        @default(0) @map("items_total")', 'itemsTotal   Int        @default(1) @map("items_total")'),
      expected: ["column jobs.items_total has default 0 in the database, schema.prisma expects 1"],
    },
    {
      name: "new field",
      schema: () => mutate('  error        String?\n  createdAt', '  error        String?\n  priority     Int        @default(0)\n  createdAt'),
      expected: ["column jobs.priority is in schema.prisma but not in the database"],
    },
    {
      name: "removed index",
      schema: () => mutate("  @@index([jobId, pll])\n", ""),
      expected: ["index sentence_scores_job_id_pll_idx is in the database but not in schema.prisma"],
    },
    {
      name: "index operator class",
      schema: () => mutate('@@index([text(ops: raw("gin_trgm_ops"))], type: Gin)', '@@index([text(ops: raw("gin_bigm_ops"))], type: Gin)'),
      expected: [
        'index job_items_text_idx is "CREATE INDEX job_items_text_idx ON public.job_items USING gin (text gin_trgm_ops)" in the database, schema.prisma expects "CREATE INDEX job_items_text_idx ON public.job_items USING gin (text gin_bigm_ops)"',
      ],
    },
    {
      name: "index name",
      schema: () => mutate('@@index([text(ops: raw("gin_trgm_ops"))], type: Gin)', '@@index([text(ops: raw("gin_trgm_ops"))], type: Gin, map: "job_items_text_trgm_idx")'),
      expected: [
        "index job_items_text_trgm_idx is in schema.prisma but not in the database",
        "index job_items_text_idx is in the database but not in schema.prisma",
      ],
    },
    {
      name: "sort order",
      schema: () => mutate("@@index([jobId, meanPll])", "@@index([jobId, meanPll(sort: Desc)])"),
      expected: [
        'index sentence_scores_job_id_mean_pll_idx is "CREATE INDEX sentence_scores_job_id_mean_pll_idx ON public.sentence_scores USING btree (job_id, mean_pll)" in the database, schema.prisma expects "CREATE INDEX sentence_scores_job_id_mean_pll_idx ON public.sentence_scores USING btree (job_id, mean_pll DESC)"',
      ],
    },
    {
      name: "partial index predicate",
      schema: () => mutate('where: raw("rank = 1 AND mask_index = 0")', 'where: raw("rank = 1")'),
      expected: [
        'index fill_mask_results_job_id_probability_line_number_idx is "CREATE INDEX fill_mask_results_job_id_probability_line_number_idx ON public.fill_mask_results USING btree (job_id, probability, line_number) WHERE ((rank = 1) AND (mask_index = 0))" in the database, schema.prisma expects "CREATE INDEX fill_mask_results_job_id_probability_line_number_idx ON public.fill_mask_results USING btree (job_id, probability, line_number) WHERE (rank = 1)"',
      ],
    },
    {
      name: "missing partial index predicate",
      schema: () => mutate(', where: raw("rank = 1 AND mask_index = 0")', ""),
      expected: [
        'index fill_mask_results_job_id_probability_line_number_idx is "CREATE INDEX fill_mask_results_job_id_probability_line_number_idx ON public.fill_mask_results USING btree (job_id, probability, line_number) WHERE ((rank = 1) AND (mask_index = 0))" in the database, schema.prisma expects "CREATE INDEX fill_mask_results_job_id_probability_line_number_idx ON public.fill_mask_results USING btree (job_id, probability, line_number)"',
      ],
    },
    {
      name: "invalid partial index predicate",
      schema: () => mutate('where: raw("rank = 1 AND mask_index = 0")', 'where: raw("position = 0")'),
      expected: ['index fill_mask_results_job_id_probability_line_number_idx has the predicate "position = 0", which PostgreSQL rejects: column "position" does not exist'],
    },
    {
      name: "unique constraint",
      schema: () => mutate("  @@index([createdAt])\n", "  @@index([createdAt])\n  @@unique([modelName, createdAt])\n"),
      expected: ["index jobs_model_name_created_at_key is in schema.prisma but not in the database"],
    },
    {
      name: "enum value",
      schema: () => mutate("  failed\n  cancelled\n", "  failed\n  cancelled\n  paused\n"),
      expected: ["enum job_status has values [queued, running, completed, failed, cancelled] in the database, schema.prisma expects [queued, running, completed, failed, cancelled, paused]"],
    },
    {
      name: "referential action",
      schema: () => mutate("job             Job              @relation(fields: [jobId], references: [id], onDelete: Cascade)", "job             Job              @relation(fields: [jobId], references: [id], onDelete: Restrict)"),
      expected: [
        'foreign key job_items_job_id_fkey is "FOREIGN KEY (job_id) REFERENCES jobs(id) ON UPDATE CASCADE ON DELETE CASCADE" in the database, schema.prisma expects "FOREIGN KEY (job_id) REFERENCES jobs(id) ON UPDATE CASCADE ON DELETE RESTRICT"',
      ],
    },
  ];

  for (const testCase of cases) {
    it(`reports changed ${testCase.name}`, async () => {
      expect(await findSchemaDrift(testCase.schema(), client)).toEqual(testCase.expected);
    });
  }
});

describe("database-side drift", () => {
  let database: TestDatabase;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await database.drop();
  });

  it("reports objects added by hand", async () => {
    await client.query("ALTER TABLE jobs ADD COLUMN note text");
    await client.query("CREATE INDEX jobs_model_name_idx ON jobs (model_name)");
    await client.query("ALTER TABLE job_items ADD CONSTRAINT job_items_line_number_check CHECK (line_number > 0)");
    await client.query('CREATE TABLE "scratch" (id int)');

    expect(await findSchemaDrift(schema, client)).toEqual([
      "table scratch is in the database but not in schema.prisma",
      "column jobs.note is in the database but not in schema.prisma",
      "column scratch.id is in the database but not in schema.prisma",
      "index jobs_model_name_idx is in the database but not in schema.prisma",
      "check constraint job_items_line_number_check is in the database but not in RAW_SQL_OBJECTS",
    ]);
  });
});
