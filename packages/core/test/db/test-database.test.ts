import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";

import { createTestDatabase, type TestDatabase } from "../../src/testing/database";

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:5432/postgres" });
  await client.connect();
  try {
    const result = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe("createTestDatabase", () => {
  const created: TestDatabase[] = [];

  afterAll(async () => {
    for (const database of created) {
      await database.drop();
    }
  });

  it("returns a migrated database and client", async () => {
    const database = await createTestDatabase();
    created.push(database);

    expect(database.name).toMatch(/^maskfill_test_[0-9a-f]{12}$/);
    expect(database.url).toBe(`postgresql://postgres@127.0.0.1:5432/${database.name}`);

    const job = await database.prisma.job.create({
      data: { kind: "fill_mask", source: "sentence", modelName: "mini-roberta", modelVariant: "fp32" },
    });
    expect(job.status).toBe("queued");
    expect(job.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await database.prisma.job.count()).toBe(1);
  });

  it("gives every call its own database", async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    created.push(first, second);

    expect(first.name).not.toBe(second.name);
    await first.prisma.job.create({ data: { kind: "scoring", source: "sentence", modelName: "m", modelVariant: "fp32" } });
    expect(await first.prisma.job.count()).toBe(1);
    expect(await second.prisma.job.count()).toBe(0);
  });

  it("drop removes the database and is idempotent", async () => {
    const database = await createTestDatabase();
    expect(await databaseExists(database.name)).toBe(true);

    await database.drop();
    expect(await databaseExists(database.name)).toBe(false);
    await database.drop();
    expect(await databaseExists(database.name)).toBe(false);
  });
});
