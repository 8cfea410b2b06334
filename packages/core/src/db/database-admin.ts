import pg from "pg";

import { databaseName, withDatabaseName } from "./database-url";

/** Database that administrative commands connect to, because it exists on every PostgreSQL server. */
const MAINTENANCE_DATABASE = "postgres";

/** Returns `name` quoted as a PostgreSQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function withMaintenanceClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabaseName(url, MAINTENANCE_DATABASE) });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates the database that `url` names unless it exists, connecting to the server's "postgres"
 * database to do so. Returns true when this call created it. Safe to call from several processes at once.
 */
export async function createDatabaseIfMissing(url: string): Promise<boolean> {
  const name = databaseName(url);
  return withMaintenanceClient(url, async (client) => {
    const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (existing.rowCount !== 0) {
      return false;
    }
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
      return true;
    } catch (error) {
      // 42P04 duplicate_database: another process created it between the check and CREATE.
      if (error instanceof pg.DatabaseError && error.code === "42P04") {
        return false;
      }
      throw error;
    }
  });
}

/** Drops the database that `url` names, closing its other connections first (PostgreSQL 13 or later). */
export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  await withMaintenanceClient(url, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  });
}
