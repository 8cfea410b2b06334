/** Machine-readable reason for a stopped migration run. */
export type MigrationErrorCode =
  | "invalid_migrations_folder"
  | "checksum_mismatch"
  | "unknown_applied_migration"
  | "failed_migration_recorded"
  | "migration_failed"
  | "lock_timeout";

/**
 * Raised by migrateDatabase(). Only `lock_timeout` is retryable: every other code needs a change
 * to the migration files or the database before a new run can succeed.
 */
export class MigrationError extends Error {
  override readonly name = "MigrationError";
  readonly code: MigrationErrorCode;
  readonly retryable: boolean;
  /** Folder name of the migration involved, when there is one. */
  readonly migrationName: string | undefined;

  constructor(code: MigrationErrorCode, message: string, options: { migrationName?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryable = code === "lock_timeout";
    this.migrationName = options.migrationName;
  }
}
