import { randomUUID } from "node:crypto";

import pg from "pg";
import type { Logger } from "pino";

import { redactPassword } from "./database-url";
import { MigrationError } from "./migration-error";
import { defaultMigrationsDir, matchesChecksum, readMigrations, type MigrationFile } from "./migrations-folder";

/**
 * Advisory lock key that `prisma migrate` takes (schema engine, PostgreSQL connector), so this
 * command and `prisma migrate deploy` never run at the same time on one database.
 */
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/**
 * Prisma's bookkeeping table, with the column definitions the schema engine uses.
 * NOTE: written from Prisma's format, not compared with a table that `prisma migrate deploy` created,
 * because the schema engine cannot be downloaded on the development machines.
 */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateOptions {
  /** Connection URL of the database to migrate, which must exist (see createDatabaseIfMissing). */
  url: string;
  /** Folder in Prisma's layout. Defaults to the repository's prisma/migrations. */
  migrationsDir?: string;
  /** Milliseconds to wait for another migrating process before giving up. Default 60000. */
  lockTimeoutMs?: number;
  logger?: Logger;
}

export interface MigrateResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations that were already recorded as applied. */
  alreadyApplied: string[];
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/**
 * Applies the pending migrations of `migrationsDir` in name order, each in its own transaction
 * together with its `_prisma_migrations` row, so a failed migration leaves neither changes nor a
 * row behind. Holds Prisma's advisory lock for the whole run, so concurrent callers wait and then
 * find nothing to do. Throws MigrationError when an applied migration was edited, is missing
 * locally, or is recorded as failed, before changing anything.
 */
export async function migrateDatabase(options: MigrateOptions): Promise<MigrateResult> {
  const lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
  if (!Number.isInteger(lockTimeoutMs) || lockTimeoutMs <= 0) {
    throw new RangeError(`lockTimeoutMs must be a positive whole number of milliseconds (got ${String(lockTimeoutMs)})`);
  }

  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir;
  const migrations = readMigrations(migrationsDir);
  const client = new pg.Client({ connectionString: options.url });
  await client.connect();

  try {
    await acquireLock(client, lockTimeoutMs, options.url);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const applied = await readAppliedMigrations(client);
      checkAppliedMigrations(applied, migrations, migrationsDir);

      const appliedNames = new Set(applied.map((row) => row.migration_name));
      const pending = migrations.filter((migration) => !appliedNames.has(migration.name));
      for (const migration of pending) {
        await applyMigration(client, migration);
        options.logger?.info({ migration: migration.name }, "Applied database migration");
      }

      return {
        applied: pending.map((migration) => migration.name),
        alreadyApplied: migrations.filter((migration) => appliedNames.has(migration.name)).map((migration) => migration.name),
      };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

async function acquireLock(client: pg.Client, lockTimeoutMs: number, url: string): Promise<void> {
  await client.query(`SET lock_timeout = ${lockTimeoutMs}`);
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
  } catch (error) {
    if (error instanceof pg.DatabaseError && error.code === "55P03") {
      throw new MigrationError(
        "lock_timeout",
        `Timed out after ${lockTimeoutMs} ms waiting for the migration lock on ${redactPassword(url)}: another process is migrating this database. Retry when it has finished.`,
        { cause: error },
      );
    }
    throw error;
  }
  await client.query("RESET lock_timeout");
}

/** Returns the rows that count as applied or failed. Like Prisma, it ignores rows marked rolled back. */
async function readAppliedMigrations(client: pg.Client): Promise<AppliedRow[]> {
  const result = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at, migration_name`,
  );
  return result.rows;
}

function checkAppliedMigrations(applied: AppliedRow[], migrations: MigrationFile[], migrationsDir: string): void {
  const local = new Map(migrations.map((migration) => [migration.name, migration]));
  for (const row of applied) {
    const name = row.migration_name;
    if (row.finished_at === null) {
      throw new MigrationError(
        "failed_migration_recorded",
        `Migration "${name}" is recorded as started but not finished in _prisma_migrations. Repair the database by hand, then delete that row or run \`prisma migrate resolve\`.`,
        { migrationName: name },
      );
    }
    const migration = local.get(name);
    if (migration === undefined) {
      throw new MigrationError(
        "unknown_applied_migration",
        `The database has migration "${name}" applied, but ${migrationsDir} has no such folder. Update this checkout to the code that created the database, or use a new database.`,
        { migrationName: name },
      );
    }
    if (!matchesChecksum(migration.sql, row.checksum)) {
      throw new MigrationError(
        "checksum_mismatch",
        `Migration "${name}" was edited after it was applied (recorded sha256 ${row.checksum}, file sha256 ${migration.checksum}). Restore the original migration.sql and put the change in a new migration.`,
        { migrationName: name },
      );
    }
  }
}

async function applyMigration(client: pg.Client, migration: MigrationFile): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
       VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, now(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError("migration_failed", `Migration "${migration.name}" failed and was rolled back: ${reason}. Fix migration.sql and run the migration again.`, {
      migrationName: migration.name,
      cause: error,
    });
  }
}
