import { z } from "zod";

/** Database used when DATABASE_URL is unset or empty. */
export const DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/maskfill";

/** A postgres:// or postgresql:// URL that names a database. */
export const databaseUrlSchema = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value) && ["postgres:", "postgresql:"].includes(new URL(value).protocol), {
    error: "DATABASE_URL must be a URL starting with postgres:// or postgresql://",
  })
  .refine((value) => !URL.canParse(value) || new URL(value).pathname.length > 1, {
    error: "DATABASE_URL must name a database, e.g. postgresql://postgres@127.0.0.1:5432/maskfill",
  });

/**
 * Returns DATABASE_URL from `env`, or DEFAULT_DATABASE_URL when it is unset or empty. Throws an
 * Error naming the variable when the value is not a PostgreSQL URL with a database name.
 */
export function readDatabaseUrl(env: Record<string, string | undefined> = process.env): string {
  const raw = env.DATABASE_URL;
  const parsed = databaseUrlSchema.safeParse(raw === undefined || raw.trim() === "" ? DEFAULT_DATABASE_URL : raw);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((issue) => issue.message).join("; ");
    throw new Error(`Invalid DATABASE_URL (got ${JSON.stringify(redactPassword(raw ?? ""))}): ${reason}`);
  }
  return parsed.data;
}

/** Returns the database name in a connection URL, e.g. "maskfill". */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** Returns `url` with its database name replaced by `name`, keeping host, user and query. */
export function withDatabaseName(url: string, name: string): string {
  const next = new URL(url);
  next.pathname = `/${encodeURIComponent(name)}`;
  return next.toString();
}

/** Returns `url` with any password replaced by "***", for log lines and error messages. */
export function redactPassword(url: string): string {
  if (!URL.canParse(url)) {
    return url;
  }
  const parsed = new URL(url);
  if (parsed.password !== "") {
    parsed.password = "***";
  }
  return parsed.toString();
}
