import { readdir } from "node:fs/promises";
import { AuthStore } from "@maskfill/core/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as jobsRoute from "../../src/app/api/jobs/route.ts";
import * as previewRoute from "../../src/app/api/uploads/[id]/preview/route.ts";
import * as uploadsRoute from "../../src/app/api/uploads/route.ts";
import { SESSION_COOKIE } from "../../src/server/auth/session-cookie.ts";
import { apiRequest, errorOf, params, startRouteHarness, type RouteHarness } from "./harness.ts";

// An upload belongs to its uploader: other operators must neither preview it nor start a job
// from it, and they get the 404 of a missing upload, so its id reveals nothing.

const PASSWORD = "correct horse battery";

let harness: RouteHarness;
const cookies: Record<string, string> = {};
const userIds: Record<string, string> = {};
let uploadId: string;

beforeAll(async () => {
  harness = await startRouteHarness({ MASKFILL_AUTH: "on" });
  const store = new AuthStore(harness.database.prisma, { tokenCacheMs: 0 });
  for (const [username, role] of [["alice", "admin"], ["bob", "operator"], ["carol", "operator"]] as const) {
    userIds[username] = (await store.createUser({ username, password: PASSWORD, role })).id;
    cookies[username] = `${SESSION_COOKIE}=${(await store.signIn({ username, password: PASSWORD })).sessionToken}`;
  }
  const response = await uploadsRoute.POST(apiRequest("/api/uploads?name=bob.txt", { method: "POST", headers: { cookie: cookies["bob"] ?? "" }, body: "One <mask>.\nTwo <mask>.\n" }), undefined);
  expect(response.status).toBe(201);
  uploadId = ((await response.json()) as { uploadId: string }).uploadId;
});

afterAll(async () => {
  await harness?.close();
});

function preview(username: string): Promise<Response> {
  return previewRoute.GET(apiRequest(`/api/uploads/${uploadId}/preview`, { headers: { cookie: cookies[username] ?? "" } }), params({ id: uploadId }));
}

function startJob(username: string): Promise<Response> {
  const body = JSON.stringify({ uploadId, corpus: { format: "txt" } });
  return jobsRoute.POST(apiRequest("/api/jobs", { method: "POST", headers: { cookie: cookies[username] ?? "", "content-type": "application/json" }, body }), undefined);
}

describe("upload ownership", () => {
  it("hides the preview from other operators", async () => {
    const failure = await errorOf(await preview("carol"));
    expect(failure.status).toBe(404);
    expect(failure.error).toEqual({ code: "upload_not_found", field: "uploadId", message: `Upload ${uploadId} was not found. Upload the file again.`, retryable: false });
  });

  it("shows the preview to the uploader and admins", async () => {
    expect((await preview("bob")).status).toBe(200);
    expect((await preview("alice")).status).toBe(200);
  });

  it("rejects a job from another operator", async () => {
    const failure = await errorOf(await startJob("carol"));
    expect(failure.status).toBe(404);
    expect(failure.error.code).toBe("upload_not_found");
    expect(await readdir(harness.uploadDir)).toEqual([uploadId, `${uploadId}.json`].sort());
    expect(await harness.database.prisma.job.count()).toBe(0);
  });

  it("starts the uploader's own job", async () => {
    const response = await startJob("bob");
    expect(response.status).toBe(201);
    const jobs = await harness.database.prisma.job.findMany({ select: { ownerId: true } });
    expect(jobs).toEqual([{ ownerId: userIds["bob"] }]);
  });
});
