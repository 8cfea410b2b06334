import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as retryRoute from "../../src/app/api/jobs/[id]/retry/route.ts";
import { apiRequest, errorOf, params, startRouteHarness, type RouteHarness } from "./harness.ts";

let harness: RouteHarness;

beforeAll(async () => {
  harness = await startRouteHarness();
});

afterAll(async () => {
  await harness?.close();
});

/** Creates a corpus job with one failed item in the given status and returns its id. */
async function jobIn(status: "queued" | "running"): Promise<string> {
  const job = await harness.database.prisma.job.create({
    data: { kind: "fill_mask", source: "corpus", status, options: {}, modelName: "tiny-roberta", modelVariant: "fp32", itemsTotal: 1, items: { create: [{ lineNumber: 1, text: "A <mask>.", status: "failed", error: "engine failed" }] } },
    select: { id: true },
  });
  return job.id;
}

describe("retry route", () => {
  it("rejects a running job with 409", async () => {
    const id = await jobIn("running");
    const failure = await errorOf(await retryRoute.POST(apiRequest(`/api/jobs/${id}/retry`, { method: "POST" }), params({ id })));
    expect(failure.status).toBe(409);
    expect(failure.error).toEqual({
      code: "job_not_finished",
      message: `Job ${id} is still running, so its failed items cannot be retried yet. Retry it after it finishes, or cancel it first.`,
      retryable: true,
    });
  });

  it("rejects a queued job in Chinese", async () => {
    const id = await jobIn("queued");
    const request = apiRequest(`/api/jobs/${id}/retry`, { method: "POST", headers: { "accept-language": "zh-CN" } });
    const failure = await errorOf(await retryRoute.POST(request, params({ id })));
    expect(failure.status).toBe(409);
    expect(failure.error.code).toBe("job_not_finished");
    expect(failure.error.message).toBe(`任务 ${id} 仍在排队，还没有可重试的失败条目。请等它结束后再重试，或先取消它。`);
  });
});
