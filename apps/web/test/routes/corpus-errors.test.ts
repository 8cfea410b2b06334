import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as jobsRoute from "../../src/app/api/jobs/route.ts";
import * as previewRoute from "../../src/app/api/uploads/[id]/preview/route.ts";
import * as uploadsRoute from "../../src/app/api/uploads/route.ts";
import type { PreviewView } from "../../src/lib/api-types.ts";
import { apiRequest, errorOf, params, startRouteHarness, type RouteHarness } from "./harness.ts";

// The corpus parser's row and file errors reach the upload page and the job API in the
// caller's language, with the parser's code and params.

let harness: RouteHarness;

beforeAll(async () => {
  harness = await startRouteHarness();
});

afterAll(async () => {
  await harness?.close();
});

/** Uploads `body` as `name` and returns the upload id. */
async function upload(name: string, body: string | ArrayBuffer): Promise<string> {
  const response = await uploadsRoute.POST(apiRequest(`/api/uploads?name=${name}`, { method: "POST", body }), undefined);
  expect(response.status).toBe(201);
  return ((await response.json()) as { uploadId: string }).uploadId;
}

/** Reads the preview of an upload with the given query and Accept-Language. */
async function preview(uploadId: string, query: string, language: string): Promise<PreviewView> {
  const request = apiRequest(`/api/uploads/${uploadId}/preview?${query}`, { headers: { "accept-language": language } });
  const response = await previewRoute.GET(request, params({ id: uploadId }));
  expect(response.status).toBe(200);
  return (await response.json()) as PreviewView;
}

describe("upload preview errors", () => {
  it("translate a UTF-16 file", async () => {
    const uploadId = await upload("notes.txt", new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x0a, 0x00]).buffer);
    const body = await preview(uploadId, "format=txt", "zh-CN,zh;q=0.9");
    expect(body.fileError).toEqual({
      code: "binary_file",
      params: { fileName: "notes.txt", reason: "signature", signature: "utf16le" },
      message: "文件“notes.txt”不是 UTF-8 文本文件：其开头与 UTF-16（小端序）文本相同。请上传 UTF-8 文本文件：每行一句的 .txt、JSON Lines（.jsonl）或 CSV（.csv）。",
    });
  });

  it("translate row errors with params", async () => {
    const uploadId = await upload("rows.csv", "id,text\n1,Good <mask>.\n2,a,b\n3,\"open\n");
    const body = await preview(uploadId, "format=csv&header=true", "zh-CN");
    expect(body.errors).toEqual([
      {
        lineNumber: 3,
        code: "column_count",
        params: { expected: 2, actual: 3, expectedFrom: "header" },
        message: "该记录有 3 列，但表头有 2 列，已跳过。请检查是否有未加引号的分隔符。",
      },
      {
        lineNumber: 4,
        code: "unterminated_quote",
        params: {},
        message: "该记录中有一个带引号的字段没有闭合，已跳过。请补上闭合的双引号。",
      },
    ]);
  });

  it("keep English for English callers", async () => {
    const uploadId = await upload("blank.txt", "One <mask>.\n\u0007\n");
    const body = await preview(uploadId, "format=txt", "en-US");
    expect(body.errors).toEqual([
      {
        lineNumber: 2,
        code: "control_character",
        params: { codePoint: "U+0007", position: 1 },
        message: "The text contains the control character U+0007 at character 1, so the row was skipped. Remove control characters; tab and line breaks are allowed.",
      },
    ]);
  });
});

describe("corpus_unreadable", () => {
  it("translates a missing column", async () => {
    const uploadId = await upload("columns.csv", "id,text\n1,Good <mask>.\n");
    const body = JSON.stringify({ uploadId, corpus: { format: "csv", column: "nope" } });
    const request = apiRequest("/api/jobs", { method: "POST", headers: { "content-type": "application/json", "accept-language": "zh-CN" }, body });
    const failure = await errorOf(await jobsRoute.POST(request, undefined));
    expect(failure.status).toBe(422);
    expect(failure.error).toEqual({
      code: "corpus_unreadable",
      field: "corpus.column",
      message: "第 1 行的表头中没有“nope”列（现有列：“id”、“text”）。请从这些列名中选择一个，或填写从 0 开始的列序号。",
      retryable: false,
    });
  });
});
