export { createPrismaClient, type PrismaClientOptions } from "./client";
export { createDatabaseIfMissing, dropDatabase, quoteIdentifier } from "./database-admin";
export { DEFAULT_DATABASE_URL, databaseName, databaseUrlSchema, readDatabaseUrl, redactPassword, withDatabaseName } from "./database-url";
export { migrateDatabase, type MigrateOptions, type MigrateResult } from "./migrate";
export { MigrationError, type MigrationErrorCode } from "./migration-error";
export { defaultMigrationsDir, matchesChecksum, migrationChecksum, readMigrations, type MigrationFile } from "./migrations-folder";
export { Prisma, PrismaClient } from "./generated/client";
export type * from "./generated/models";
export * from "./generated/enums";
export { BulkWriteError, type BulkWriteErrorCode } from "./bulk-write-error";
export {
  fillMaskResultRowSchema,
  jobItemRowSchema,
  sentenceScoreRowSchema,
  tokenScoreRowSchema,
  type DatabaseClient,
  type FillMaskResultRow,
  type JobItemRow,
  type JobRows,
  type SentenceScoreRow,
  type TokenScoreRow,
} from "./bulk-rows";
export { insertFillMaskResults, insertFillMaskResultsOfJobs } from "./insert-fill-mask-results";
export { insertJobItems } from "./insert-job-items";
export { insertSentenceScores, insertSentenceScoresOfJobs, type InsertedScores } from "./insert-sentence-scores";
export { itemOutcomeSchema, recordItemOutcomes, recordItemOutcomesOfJobs, type ItemOutcome, type JobProgress } from "./record-item-outcomes";
