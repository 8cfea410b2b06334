import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

import pg from "pg";
import { describe, expect, it } from "vitest";

import { dropDatabase } from "../../src/db/database-admin";
import { defaultMigrationsDir } from "../../src/db/migrations-folder";

const rootDir = fileURLToPath(new URL("../../../../", import.meta.url));

/** Runs `npm run db:migrate`'s entry point with DATABASE_URL set and returns its exit status and log lines. */
function runMigrate(databaseUrl: string): { status: number | null; logs: { msg: string; [key: string]: unknown }[] } {
  const result = spawnSync(process.execPath, ["--import", "tsx", "packages/core/src/db/migrate-main.ts"], {
    cwd: rootDir,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "info" },
    encoding: "utf8",
  });
  const logs = result.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { msg: string });
  return { status: result.status, logs };
}

describe("db:migrate command", () => {
  it("creates and migrates a missing database", async () => {
    const url = `postgresql://postgres@127.0.0.1:5432/maskfill_test_${randomBytes(6).toString("hex")}`;
    try {
      const first = runMigrate(url);

      expect(first.status).toBe(0);
      const migrations = readdirSync(defaultMigrationsDir).filter((name) => /^\d{14}_/.test(name));
      expect(first.logs.map((log) => log.msg)).toEqual(["Created the database", ...migrations.map(() => "Applied database migration"), "Database is up to date"]);

      const second = runMigrate(url);
      expect(second.status).toBe(0);
      expect(second.logs.map((log) => log.msg)).toEqual(["Database is up to date"]);
      expect(second.logs[0]).toMatchObject({ applied: 0, alreadyApplied: migrations.length });

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const tables = await client.query("SELECT 1 FROM pg_tables WHERE tablename = 'jobs'");
      await client.end();
      expect(tables.rowCount).toBe(1);
    } finally {
      await dropDatabase(url);
    }
  });

  it("exits 1 on an invalid DATABASE_URL", () => {
    const result = runMigrate("mysql://db/maskfill");

    expect(result.status).toBe(1);
    expect(result.logs).toHaveLength(1);
    expect(result.logs[0]?.msg).toBe("Database migration failed");
    expect(result.logs[0]?.err).toMatchObject({
      message: 'Invalid DATABASE_URL (got "mysql://db/maskfill"): DATABASE_URL must be a URL starting with postgres:// or postgresql://',
    });
  });
});
