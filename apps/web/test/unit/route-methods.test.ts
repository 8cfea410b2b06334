import { readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { ApiErrorBody } from "../../src/lib/api-types.ts";

// Every route file's module, checked for each HTTP method: the served methods are exported
// handlers, and every other method gets the JSON 405 with an `Allow` header (204 for OPTIONS).
// The table lists each route file with the methods it serves, so a new route must be added here.

const appRoot = resolve(import.meta.dirname, "../../src/app");

const SERVED: Record<string, readonly string[]> = {
  "(auth)/api/admin/tokens/[id]/revoke": ["POST"],
  "(auth)/api/admin/tokens": ["GET", "POST"],
  "(auth)/api/admin/users/[id]/disable": ["POST"],
  "(auth)/api/admin/users": ["GET", "POST"],
  "(auth)/api/auth/me": ["GET"],
  "(auth)/api/auth/sign-in": ["POST"],
  "(auth)/api/auth/sign-out": ["POST"],
  "api/health": ["GET"],
  "api/jobs/[id]/cancel": ["POST"],
  "api/jobs/[id]/events": ["GET"],
  "api/jobs/[id]/export": ["GET"],
  "api/jobs/[id]/results": ["GET"],
  "api/jobs/[id]/retry": ["POST"],
  "api/jobs/[id]": ["GET"],
  "api/jobs/[id]/scores/[line]": ["GET"],
  "api/jobs/[id]/scores": ["GET"],
  "api/jobs/[id]/scores/summary": ["GET"],
  "api/jobs/events": ["GET"],
  "api/jobs": ["GET", "POST"],
  "api/metrics": ["GET"],
  "api/predict": ["POST"],
  "api/score": ["POST"],
  "api/uploads/[id]/preview": ["GET"],
  "api/uploads": ["POST"],
  "api/workers/load": ["POST"],
  "api/workers": ["GET"],
};

/** The catch-all, which returns 404 for unknown paths on every method. */
const CATCH_ALL = "api/[...path]";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

type Handler = (request: Request, context: unknown) => Promise<Response>;

/** Route folders under src/app, relative to it, that contain a route.ts. */
function routeFolders(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return routeFolders(path);
    return entry.name === "route.ts" ? [relative(appRoot, folder)] : [];
  });
}

/** Builds the Allow header expected for a route serving `served`: those methods, HEAD with GET, and OPTIONS. */
function expectedAllow(served: readonly string[]): string {
  return METHODS.filter((method) => served.includes(method) || (method === "HEAD" && served.includes("GET")) || method === "OPTIONS").join(", ");
}

async function loadRoute(folder: string): Promise<Partial<Record<string, Handler>>> {
  return (await import(join(appRoot, folder, "route.ts"))) as Partial<Record<string, Handler>>;
}

describe("route methods", () => {
  it("cover every route file", () => {
    expect(routeFolders(appRoot).sort()).toEqual([...Object.keys(SERVED), CATCH_ALL].sort());
  });

  for (const [folder, served] of Object.entries(SERVED)) {
    it(`answer every method on ${folder}`, async () => {
      const module = await loadRoute(folder);
      const allow = expectedAllow(served);
      for (const method of METHODS) {
        const handler = module[method];
        if (served.includes(method) || (method === "HEAD" && served.includes("GET"))) {
          // Next.js runs GET for HEAD, so a GET route exports no HEAD handler of its own.
          expect(typeof handler, `${method} ${folder}`).toBe(method === "HEAD" ? "undefined" : "function");
          continue;
        }
        if (handler === undefined) throw new Error(`${folder} exports no ${method} handler, so Next.js returns an empty 405 for it`);
        const response = await handler(new Request(`http://localhost/${folder}`, { method, headers: { "accept-language": "zh-CN" } }), undefined);
        expect(response.headers.get("allow"), `${method} ${folder}`).toBe(allow);
        expect(response.headers.get("cache-control"), `${method} ${folder}`).toBe("no-store");
        if (method === "OPTIONS") {
          expect(response.status, folder).toBe(204);
          continue;
        }
        expect(response.status, `${method} ${folder}`).toBe(405);
        expect(((await response.json()) as ApiErrorBody).error, `${method} ${folder}`).toEqual({
          code: "method_not_allowed",
          message: `此处不支持 ${method}。请使用 ${served.join(", ")}。`,
          retryable: false,
        });
      }
    });
  }

  it("keep the catch-all on 404 for every method", async () => {
    const module = await loadRoute(CATCH_ALL);
    for (const method of METHODS) {
      const response = await module[method]?.(new Request("http://localhost/api/nothing", { method }), undefined);
      expect(response?.status, method).toBe(404);
    }
  });
});
