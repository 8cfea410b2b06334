import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, deleteRedisKeys, type TestDatabase } from "@maskfill/core/testing";
import type { ApiErrorBody } from "../../src/lib/api-types.ts";

// Route handlers called in-process, against a fresh Postgres database and Redis queue prefix.
// The handlers read their connections from the environment on first use, so the harness sets
// the variables before any handler runs. Each test file runs in its own process.

/** The environment and databases of one test file's route handlers. */
export interface RouteHarness {
  database: TestDatabase;
  uploadDir: string;
  close(): Promise<void>;
}

/** Points the route handlers at a fresh database, queue prefix and upload folder; `env` adds variables such as MASKFILL_AUTH. */
export async function startRouteHarness(env: Record<string, string> = {}): Promise<RouteHarness> {
  const database = await createTestDatabase();
  const queuePrefix = `routetest-${randomBytes(4).toString("hex")}`;
  const uploadDir = await mkdtemp(join(tmpdir(), "maskfill-route-uploads-"));
  Object.assign(process.env, { DATABASE_URL: database.url, MASKFILL_QUEUE_PREFIX: queuePrefix, MASKFILL_UPLOAD_DIR: uploadDir, MASKFILL_AUTH: "off", LOG_LEVEL: "error", ...env });
  return {
    database,
    uploadDir,
    async close() {
      const { services } = await import("../../src/server/services.ts");
      const { producer, prisma, redis } = services();
      await producer.close();
      await prisma.$disconnect();
      redis.disconnect();
      await database.drop();
      await rm(uploadDir, { recursive: true, force: true });
      await deleteRedisKeys(queuePrefix, process.env["REDIS_URL"]);
    },
  };
}

/** Builds a request to the app on localhost, as a same-origin browser or a script would send it. */
export function apiRequest(path: string, init: RequestInit = {}): Request {
  return new Request(`http://localhost${path}`, init);
}

/** Route context of a dynamic segment such as `[id]`. */
export function params<P>(value: P): { params: Promise<P> } {
  return { params: Promise.resolve(value) };
}

/** Reads a JSON error response into its status, headers and error object. */
export async function errorOf(response: Response): Promise<{ status: number; headers: Headers; error: ApiErrorBody["error"] }> {
  const text = await response.text();
  const body = JSON.parse(text) as Partial<ApiErrorBody>;
  if (body.error === undefined) throw new Error(`expected an error body, got ${response.status}: ${text}`);
  return { status: response.status, headers: response.headers, error: body.error };
}
