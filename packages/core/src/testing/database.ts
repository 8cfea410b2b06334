import { randomBytes } from "node:crypto";

import { createPrismaClient } from "../db/client";
import { createDatabaseIfMissing, dropDatabase } from "../db/database-admin";
import { withDatabaseName } from "../db/database-url";
import type { PrismaClient } from "../db/generated/client";
import { migrateDatabase } from "../db/migrate";

/** Server that test databases are created on, unless TEST_DATABASE_URL names another one. */
const DEFAULT_TEST_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

/** A migrated database of its own for one test file or test. */
export interface TestDatabase {
  /** Database name, "maskfill_test_" plus 12 random hex digits. */
  name: string;
  /** Connection URL of the database. */
  url: string;
  /** Client connected to `url`, disconnected by drop(). */
  prisma: PrismaClient;
  /** Disconnects `prisma` and drops the database, closing any other connection to it. Safe to call twice. */
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named database on the test server (TEST_DATABASE_URL, default
 * postgresql://postgres@127.0.0.1:5432/postgres, whose database name is ignored), applies every
 * migration and connects a Prisma client.
 * Call drop() in afterAll or afterEach.
 */
export async function createTestDatabase(options: { serverUrl?: string } = {}): Promise<TestDatabase> {
  const serverUrl = options.serverUrl ?? (process.env.TEST_DATABASE_URL || DEFAULT_TEST_SERVER_URL);
  const name = `maskfill_test_${randomBytes(6).toString("hex")}`;
  const url = withDatabaseName(serverUrl, name);

  await createDatabaseIfMissing(url);
  try {
    await migrateDatabase({ url });
  } catch (error) {
    await dropDatabase(url);
    throw error;
  }

  const prisma = createPrismaClient(url, { maxConnections: 4 });
  let dropped = false;
  return {
    name,
    url,
    prisma,
    async drop() {
      if (dropped) {
        return;
      }
      dropped = true;
      await prisma.$disconnect();
      await dropDatabase(url);
    },
  };
}
