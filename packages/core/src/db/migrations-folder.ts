import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { MigrationError } from "./migration-error";

/** One folder of prisma/migrations. */
export interface MigrationFile {
  /** Folder name, e.g. "20261204213000_init", which is also the `migration_name` recorded in the database. */
  name: string;
  sql: string;
  /** Lower-case hex sha256 of migration.sql, as `prisma migrate` records it. */
  checksum: string;
}

/** Prisma's folder names: a 14-digit UTC timestamp, an underscore and a name. */
const FOLDER_NAME = /^\d{14}_[A-Za-z0-9_]+$/;

/** The repository's prisma/migrations folder, found relative to this file. */
export const defaultMigrationsDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../prisma/migrations");

/** Returns the lower-case hex sha256 of a migration script, byte for byte as Prisma computes it. */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/**
 * Tells whether a script matches a recorded checksum. Like Prisma, it also accepts the script with
 * CRLF line endings turned into LF and the reverse, because git may convert them on checkout.
 */
export function matchesChecksum(sql: string, checksum: string): boolean {
  const lf = sql.replaceAll("\r\n", "\n");
  const candidates = [sql, lf, lf.replaceAll("\n", "\r\n")];
  return candidates.some((candidate) => migrationChecksum(candidate) === checksum);
}

/**
 * Reads every migration folder in `dir`, sorted by name (which is the order they apply in).
 * Throws MigrationError("invalid_migrations_folder") for a missing folder, a folder whose name is
 * not in Prisma's format, or a folder without migration.sql.
 */
export function readMigrations(dir: string = defaultMigrationsDir): MigrationFile[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new MigrationError("invalid_migrations_folder", `Migrations folder not found: ${dir}. Pass the path of prisma/migrations.`);
  }

  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

  return folders.map((name) => {
    if (!FOLDER_NAME.test(name)) {
      throw new MigrationError(
        "invalid_migrations_folder",
        `Invalid migration folder name "${name}" in ${dir}: expected a 14-digit timestamp, "_" and a name, e.g. 20261204213000_add_users.`,
        { migrationName: name },
      );
    }
    const sqlPath = join(dir, name, "migration.sql");
    if (!existsSync(sqlPath)) {
      throw new MigrationError("invalid_migrations_folder", `Migration "${name}" has no migration.sql: add the file or remove the folder ${join(dir, name)}.`, {
        migrationName: name,
      });
    }
    const sql = readFileSync(sqlPath, "utf8");
    return { name, sql, checksum: migrationChecksum(sql) };
  });
}
