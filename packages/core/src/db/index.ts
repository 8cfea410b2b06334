export { createPrismaClient, type PrismaClientOptions } from "./client";
export { createDatabaseIfMissing, dropDatabase, quoteIdentifier } from "./database-admin";
export { DEFAULT_DATABASE_URL, databaseName, databaseUrlSchema, readDatabaseUrl, redactPassword, withDatabaseName } from "./database-url";
export { migrateDatabase, type MigrateOptions, type MigrateResult } from "./migrate";
export { MigrationError, type MigrationErrorCode } from "./migration-error";
export { defaultMigrationsDir, matchesChecksum, migrationChecksum, readMigrations, type MigrationFile } from "./migrations-folder";
export { Prisma, PrismaClient } from "./generated/client";
export type * from "./generated/models";
export * from "./generated/enums";
