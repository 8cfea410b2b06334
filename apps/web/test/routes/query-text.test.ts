import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as exportRoute from "../../src/app/api/jobs/[id]/export/route.ts";
import * as resultsRoute from "../../src/app/api/jobs/[id]/results/route.ts";
import * as scoresRoute from "../../src/app/api/jobs/[id]/scores/route.ts";
import * as jobsRoute from "../../src/app/api/jobs/route.ts";
import * as uploadsRoute from "../../src/app/api/uploads/route.ts";
import { apiRequest, errorOf, params, startRouteHarness, type RouteHarness } from "./harness.ts";

// Query-string text reaches Postgres, which rejects NUL (SQLSTATE 22021), so every parameter
// must get the corpus text rules' 400 before a query runs or a download starts.

let harness: RouteHarness;
let fillJobId: string;
let scoreJobId: string;

beforeAll(async () => {
  harness = await startRouteHarness();
  const create = (kind: "fill_mask" | "scoring") =>
    harness.database.prisma.job.create({
      data: { kind, source: "corpus", options: {}, modelName: "tiny-roberta", modelVariant: "fp32", itemsTotal: 1, items: { create: [{ lineNumber: 1, text: "A <mask>.", status: "pending" }] } },
      select: { id: true },
    });
  fillJobId = (await create("fill_mask")).id;
  scoreJobId = (await create("scoring")).id;
});

afterAll(async () => {
  await harness?.close();
});

describe("query text parameters", () => {
  it("reject NUL in results q and token", async () => {
    for (const field of ["q", "token"]) {
      const failure = await errorOf(await resultsRoute.GET(apiRequest(`/api/jobs/${fillJobId}/results?${field}=ab%00`), params({ id: fillJobId })));
      expect(failure.status, field).toBe(400);
      expect(failure.error, field).toEqual({
        code: "control_character",
        field,
        message: `${field} contains the control character U+0000 at character 3. Remove control characters; tab and line breaks are allowed.`,
        retryable: false,
      });
    }
  });

  it("reject NUL in scores q in Chinese", async () => {
    const request = apiRequest(`/api/jobs/${scoreJobId}/scores?q=%00`, { headers: { "accept-language": "zh-CN" } });
    const failure = await errorOf(await scoresRoute.GET(request, params({ id: scoreJobId })));
    expect(failure.status).toBe(400);
    expect(failure.error).toEqual({ code: "control_character", field: "q", message: "q 的第 1 个字符是控制字符 U+0000。请删除控制字符（允许制表符和换行）。", retryable: false });
  });

  it("reject NUL before an export starts", async () => {
    const cases = [
      [fillJobId, "csv"],
      [fillJobId, "jsonl"],
      [scoreJobId, "csv"],
      [scoreJobId, "jsonl"],
    ] as const;
    for (const [id, format] of cases) {
      const response = await exportRoute.GET(apiRequest(`/api/jobs/${id}/export?format=${format}&q=%00`), params({ id }));
      expect(response.headers.get("content-type"), format).toMatch(/^application\/json/);
      const failure = await errorOf(response);
      expect(failure.status, format).toBe(400);
      expect(failure.error.code, format).toBe("control_character");
      expect(failure.error.field, format).toBe("q");
    }
  });

  it("reject ESC in the job list cursor", async () => {
    const failure = await errorOf(await jobsRoute.GET(apiRequest("/api/jobs?cursor=a%1Bb"), undefined));
    expect(failure.status).toBe(400);
    expect(failure.error.code).toBe("control_character");
    expect(failure.error.field).toBe("cursor");
  });

  it("reject NUL in an upload name", async () => {
    const failure = await errorOf(await uploadsRoute.POST(apiRequest("/api/uploads?name=a%00.txt", { method: "POST", body: "A <mask>." }), undefined));
    // File names have their own, stricter rule (no tab or line break either) and message.
    expect(failure.status).toBe(400);
    expect(failure.error.code).toBe("invalid_request");
    expect(failure.error.field).toBe("name");
    expect(failure.error.message).toBe(
      "name contains a control character or a text-direction control (such as U+202E), which can disguise the real name. Rename the file without them and upload it again.",
    );
  });

  it("reject a value that is not UTF-8", async () => {
    const failure = await errorOf(await jobsRoute.GET(apiRequest("/api/jobs?cursor=%FF"), undefined));
    expect(failure.status).toBe(400);
    expect(failure.error.code).toBe("invalid_utf8");
    expect(failure.error.field).toBe("cursor");
  });

  it("keep a valid search working", async () => {
    const response = await resultsRoute.GET(apiRequest(`/api/jobs/${fillJobId}/results?q=${encodeURIComponent("A <mask>")}`), params({ id: fillJobId }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { rows: { lineNumber: number }[] };
    expect(body.rows.map((row) => row.lineNumber)).toEqual([1]);
  });
});
