import { describe, expect, it } from "vitest";

import { DEFAULT_DATABASE_URL, databaseName, readDatabaseUrl, redactPassword, withDatabaseName } from "../../src/db/database-url";

describe("readDatabaseUrl", () => {
  it("defaults when unset or empty", () => {
    expect(readDatabaseUrl({})).toBe(DEFAULT_DATABASE_URL);
    expect(readDatabaseUrl({ DATABASE_URL: "  " })).toBe(DEFAULT_DATABASE_URL);
  });

  it("accepts postgres and postgresql URLs", () => {
    expect(readDatabaseUrl({ DATABASE_URL: "postgres://app@db:5432/maskfill" })).toBe("postgres://app@db:5432/maskfill");
    expect(readDatabaseUrl({ DATABASE_URL: " postgresql://db/maskfill " })).toBe("postgresql://db/maskfill");
  });

  it("rejects another protocol", () => {
    expect(() => readDatabaseUrl({ DATABASE_URL: "mysql://db/maskfill" })).toThrow(
      'Invalid DATABASE_URL (got "mysql://db/maskfill"): DATABASE_URL must be a URL starting with postgres:// or postgresql://',
    );
  });

  it("rejects a URL without database name", () => {
    expect(() => readDatabaseUrl({ DATABASE_URL: "postgresql://db:5432" })).toThrow(
      'Invalid DATABASE_URL (got "postgresql://db:5432"): DATABASE_URL must name a database, e.g. postgresql://postgres@127.0.0.1:5432/maskfill',
    );
  });

  it("hides the password in errors", () => {
    expect(() => readDatabaseUrl({ DATABASE_URL: "mysql://app:secret@db/maskfill" })).toThrow('(got "mysql://app:***@db/maskfill")');
  });
});

describe("database URL helpers", () => {
  it("reads and replaces the database name", () => {
    expect(databaseName("postgresql://postgres@127.0.0.1:5432/maskfill?sslmode=disable")).toBe("maskfill");
    expect(withDatabaseName("postgresql://app:pw@db:5432/maskfill?sslmode=disable", "other")).toBe("postgresql://app:pw@db:5432/other?sslmode=disable");
  });

  it("redacts only a present password", () => {
    expect(redactPassword("postgresql://app:pw@db/maskfill")).toBe("postgresql://app:***@db/maskfill");
    expect(redactPassword("postgresql://app@db/maskfill")).toBe("postgresql://app@db/maskfill");
  });
});
