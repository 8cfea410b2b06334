/**
 * Entry point of `npm run db:migrate`: creates the DATABASE_URL database when it is missing, then
 * applies the pending migrations of prisma/migrations. Exits with status 1 on any error.
 */
import { pino } from "pino";

import { createDatabaseIfMissing } from "./database-admin";
import { databaseName, readDatabaseUrl } from "./database-url";
import { migrateDatabase } from "./migrate";
import { MigrationError } from "./migration-error";

const logger = pino({ name: "db-migrate", level: process.env.LOG_LEVEL || "info" });

try {
  const url = readDatabaseUrl();
  const database = databaseName(url);
  if (await createDatabaseIfMissing(url)) {
    logger.info({ database }, "Created the database");
  }
  const result = await migrateDatabase({ url, logger });
  logger.info({ database, applied: result.applied.length, alreadyApplied: result.alreadyApplied.length }, "Database is up to date");
} catch (error) {
  const fields = error instanceof MigrationError ? { code: error.code, migration: error.migrationName, retryable: error.retryable } : {};
  logger.error({ ...fields, err: error }, "Database migration failed");
  process.exitCode = 1;
}
