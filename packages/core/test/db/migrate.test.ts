import { createHash, randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";

import { createDatabaseIfMissing, dropDatabase } from "../../src/db/database-admin";
import { migrateDatabase } from "../../src/db/migrate";
import { MigrationError } from "../../src/db/migration-error";
import { defaultMigrationsDir, migrationChecksum } from "../../src/db/migrations-folder";

import { caughtError } from "./caught-error";

const SERVER_URL = "postgresql://postgres@127.0.0.1:5432";
const INIT = "20261204213000_init";
/** Every migration in prisma/migrations, oldest first, so the tests keep passing as migrations are added. */
const ALL = readdirSync(defaultMigrationsDir).filter((name) => /^\d{14}_/.test(name)).sort();

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup();
  }
});

/** Creates an empty database (no migrations applied) that is dropped after the test. */
async function emptyDatabase(): Promise<string> {
  const url = `${SERVER_URL}/maskfill_test_${randomBytes(6).toString("hex")}`;
  await createDatabaseIfMissing(url);
  cleanups.push(() => dropDatabase(url));
  return url;
}

/** Copies the repository's migrations into a temporary folder that the test may change. */
function copyOfMigrations(): string {
  const dir = mkdtempSync(join(tmpdir(), "maskfill-migrations-"));
  cpSync(defaultMigrationsDir, dir, { recursive: true });
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function addMigration(dir: string, name: string, sql: string): void {
  mkdirSync(join(dir, name));
  writeFileSync(join(dir, name, "migration.sql"), sql);
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function tableExists(url: string, table: string): Promise<boolean> {
  const rows = await query<{ exists: boolean }>(url, "SELECT to_regclass($1) IS NOT NULL AS exists", [`public.${table}`]);
  return rows[0]?.exists === true;
}


describe("migrateDatabase", () => {
  it("applies migrations and records them as Prisma does", async () => {
    const url = await emptyDatabase();

    const result = await migrateDatabase({ url });

    expect(result).toEqual({ applied: ALL, alreadyApplied: [] });
    const rows = await query<{ id: string; checksum: string; migration_name: string; finished_at: Date | null; logs: string | null; rolled_back_at: Date | null; applied_steps_count: number }>(
      url,
      `SELECT * FROM "_prisma_migrations" WHERE migration_name = '${INIT}'`,
    );
    const sql = readFileSync(join(defaultMigrationsDir, INIT, "migration.sql"));
    const fileSha256 = createHash("sha256").update(sql).digest("hex");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.migration_name).toBe(INIT);
    expect(rows[0]?.checksum).toBe(fileSha256);
    expect(rows[0]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(rows[0]?.finished_at).toBeInstanceOf(Date);
    expect(rows[0]?.logs).toBeNull();
    expect(rows[0]?.rolled_back_at).toBeNull();
    expect(rows[0]?.applied_steps_count).toBe(1);
    expect(await tableExists(url, "jobs")).toBe(true);
  });

  it("creates _prisma_migrations with Prisma's columns", async () => {
    const url = await emptyDatabase();
    await migrateDatabase({ url });

    const columns = await query<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
      url,
      `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
       WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: "id", data_type: "character varying", is_nullable: "NO", column_default: null },
      { column_name: "checksum", data_type: "character varying", is_nullable: "NO", column_default: null },
      { column_name: "finished_at", data_type: "timestamp with time zone", is_nullable: "YES", column_default: null },
      { column_name: "migration_name", data_type: "character varying", is_nullable: "NO", column_default: null },
      { column_name: "logs", data_type: "text", is_nullable: "YES", column_default: null },
      { column_name: "rolled_back_at", data_type: "timestamp with time zone", is_nullable: "YES", column_default: null },
      { column_name: "started_at", data_type: "timestamp with time zone", is_nullable: "NO", column_default: "now()" },
      { column_name: "applied_steps_count", data_type: "integer", is_nullable: "NO", column_default: "0" },
    ]);
  });

  it("does nothing on a second run", async () => {
    const url = await emptyDatabase();
    await migrateDatabase({ url });

    expect(await migrateDatabase({ url })).toEqual({ applied: [], alreadyApplied: ALL });
    const rows = await query(url, 'SELECT 1 FROM "_prisma_migrations"');
    expect(rows).toHaveLength(ALL.length);
  });

  it("applies only the new migration", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    await migrateDatabase({ url, migrationsDir: dir });
    addMigration(dir, "20261205000000_add_notes", 'CREATE TABLE "notes" ("id" INTEGER PRIMARY KEY);\n');

    expect(await migrateDatabase({ url, migrationsDir: dir })).toEqual({ applied: ["20261205000000_add_notes"], alreadyApplied: ALL });
    expect(await tableExists(url, "notes")).toBe(true);
  });

  it("rejects an edited applied migration", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    await migrateDatabase({ url, migrationsDir: dir });
    addMigration(dir, "20261205000000_add_notes", 'CREATE TABLE "notes" ("id" INTEGER PRIMARY KEY);\n');
    const initPath = join(dir, INIT, "migration.sql");
    const original = readFileSync(initPath, "utf8");
    writeFileSync(initPath, `${original}\n-- edited\n`);

    const error = await caughtError(migrateDatabase({ url, migrationsDir: dir }), MigrationError);

    expect(error.code).toBe("checksum_mismatch");
    expect(error.retryable).toBe(false);
    expect(error.migrationName).toBe(INIT);
    expect(error.message).toBe(
      `Migration "${INIT}" was edited after it was applied (recorded sha256 ${migrationChecksum(original)}, file sha256 ${migrationChecksum(`${original}\n-- edited\n`)}). Restore the original migration.sql and put the change in a new migration.`,
    );
    // The check runs before anything is applied, so the pending migration stays pending.
    expect(await tableExists(url, "notes")).toBe(false);
  });

  it("accepts a migration checked out with CRLF line endings", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    await migrateDatabase({ url, migrationsDir: dir });
    const initPath = join(dir, INIT, "migration.sql");
    writeFileSync(initPath, readFileSync(initPath, "utf8").replaceAll("\n", "\r\n"));

    expect(await migrateDatabase({ url, migrationsDir: dir })).toEqual({ applied: [], alreadyApplied: ALL });
  });

  it("rolls back a failing migration completely", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    addMigration(dir, "20261205000000_broken", 'CREATE TABLE "notes" ("id" INTEGER PRIMARY KEY);\nINSERT INTO "missing_table" VALUES (1);\n');

    const error = await caughtError(migrateDatabase({ url, migrationsDir: dir }), MigrationError);

    expect(error.code).toBe("migration_failed");
    expect(error.retryable).toBe(false);
    expect(error.migrationName).toBe("20261205000000_broken");
    expect(error.message).toBe(
      'Migration "20261205000000_broken" failed and was rolled back: relation "missing_table" does not exist. Fix migration.sql and run the migration again.',
    );
    expect(await tableExists(url, "notes")).toBe(false);
    expect(await tableExists(url, "jobs")).toBe(true);
    const names = await query<{ migration_name: string }>(url, 'SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name');
    expect(names).toEqual(ALL.map((name) => ({ migration_name: name })));

    writeFileSync(join(dir, "20261205000000_broken", "migration.sql"), 'CREATE TABLE "notes" ("id" INTEGER PRIMARY KEY);\n');
    expect(await migrateDatabase({ url, migrationsDir: dir })).toEqual({ applied: ["20261205000000_broken"], alreadyApplied: ALL });
  });

  it("rejects a database with an unknown migration", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    addMigration(dir, "20261205000000_add_notes", 'CREATE TABLE "notes" ("id" INTEGER PRIMARY KEY);\n');
    await migrateDatabase({ url, migrationsDir: dir });

    const error = await caughtError(migrateDatabase({ url }), MigrationError);

    expect(error.code).toBe("unknown_applied_migration");
    expect(error.migrationName).toBe("20261205000000_add_notes");
    expect(error.message).toContain('The database has migration "20261205000000_add_notes" applied, but');
  });

  it("rejects a migration recorded as failed", async () => {
    const url = await emptyDatabase();
    await migrateDatabase({ url });
    await query(url, `UPDATE "_prisma_migrations" SET finished_at = NULL, logs = 'failed' WHERE migration_name = $1`, [INIT]);

    const error = await caughtError(migrateDatabase({ url }), MigrationError);

    expect(error.code).toBe("failed_migration_recorded");
    expect(error.migrationName).toBe(INIT);
  });

  it("reapplies a migration marked rolled back", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    addMigration(dir, "20261205000000_add_notes", 'CREATE TABLE "notes" ("id" INTEGER PRIMARY KEY);\n');
    await migrateDatabase({ url, migrationsDir: dir });
    await query(url, 'DROP TABLE "notes"');
    await query(url, `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '20261205000000_add_notes'`);

    expect(await migrateDatabase({ url, migrationsDir: dir })).toEqual({ applied: ["20261205000000_add_notes"], alreadyApplied: ALL });
    expect(await tableExists(url, "notes")).toBe(true);
  });

  it("lets concurrent runs apply each migration once", async () => {
    const url = await emptyDatabase();

    const results = await Promise.all([migrateDatabase({ url }), migrateDatabase({ url }), migrateDatabase({ url })]);

    const appliedCounts = results.map((result) => result.applied.length).sort();
    expect(appliedCounts).toEqual([0, 0, ALL.length]);
    const rows = await query(url, 'SELECT 1 FROM "_prisma_migrations"');
    expect(rows).toHaveLength(ALL.length);
  });

  it("times out while another process holds the lock", async () => {
    const url = await emptyDatabase();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    cleanups.push(() => holder.end());
    await holder.query("SELECT pg_advisory_lock(72707369)");

    const error = await caughtError(migrateDatabase({ url, lockTimeoutMs: 200 }), MigrationError);

    expect(error.code).toBe("lock_timeout");
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      `Timed out after 200 ms waiting for the migration lock on ${url}: another process is migrating this database. Retry when it has finished.`,
    );
    expect(await tableExists(url, "jobs")).toBe(false);
  });

  it("rejects an invalid lock timeout", async () => {
    await expect(migrateDatabase({ url: `${SERVER_URL}/unused`, lockTimeoutMs: 0 })).rejects.toThrow(
      "lockTimeoutMs must be a positive whole number of milliseconds (got 0)",
    );
  });

  it("rejects a badly named migration folder", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    addMigration(dir, "add_notes", "SELECT 1;\n");

    const error = await caughtError(migrateDatabase({ url, migrationsDir: dir }), MigrationError);

    expect(error.code).toBe("invalid_migrations_folder");
    expect(error.message).toBe(
      `Invalid migration folder name "add_notes" in ${dir}: expected a 14-digit timestamp, "_" and a name, e.g. 20261204213000_add_users.`,
    );
    expect(await tableExists(url, "jobs")).toBe(false);
  });

  it("rejects a migration folder without migration.sql", async () => {
    const url = await emptyDatabase();
    const dir = copyOfMigrations();
    mkdirSync(join(dir, "20261205000000_empty"));

    const error = await caughtError(migrateDatabase({ url, migrationsDir: dir }), MigrationError);

    expect(error.code).toBe("invalid_migrations_folder");
    expect(error.migrationName).toBe("20261205000000_empty");
  });

  it("rejects a missing migrations folder", async () => {
    const missing = join(tmpdir(), `maskfill-missing-${randomBytes(4).toString("hex")}`);

    const error = await caughtError(migrateDatabase({ url: `${SERVER_URL}/unused`, migrationsDir: missing }), MigrationError);

    expect(error.code).toBe("invalid_migrations_folder");
    expect(error.message).toBe(`Migrations folder not found: ${missing}. Pass the path of prisma/migrations.`);
  });
});
