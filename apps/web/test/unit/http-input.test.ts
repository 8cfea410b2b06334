import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readJson, readQuery } from "../../src/server/http/read-body.ts";
import { uploadNameSchema } from "../../src/lib/schemas.ts";
import { errorResponse, methodNotAllowed } from "../../src/server/http/route.ts";
import { assertCorpusText } from "../../src/server/http/text-rules.ts";
import { engineRejection } from "../../src/server/http/engine-errors.ts";
import type { ApiErrorBody } from "../../src/lib/api-types.ts";
import * as unknownApiPath from "../../src/app/api/[...path]/route.ts";

const schema = z.object({ text: z.string() });

/** Runs `action` and returns the JSON error response it produces, as the route wrapper would. */
async function errorOf(action: () => unknown, language = "en"): Promise<{ status: number; headers: Headers; error: ApiErrorBody["error"] }> {
  const request = new Request("http://localhost/api/predict", { headers: { "accept-language": language } });
  try {
    await action();
  } catch (error) {
    const response = errorResponse(request, error);
    return { status: response.status, headers: response.headers, error: ((await response.json()) as ApiErrorBody).error };
  }
  throw new Error("expected an error");
}

function post(body: BodyInit, contentType?: string): Request {
  return new Request("http://localhost/api/predict", { method: "POST", body, headers: contentType === undefined ? {} : { "content-type": contentType } });
}

describe("readJson content type", () => {
  it("accepts application/json with a charset", async () => {
    expect(await readJson(post('{"text":"a"}', "application/json; charset=utf-8"), schema)).toEqual({ text: "a" });
  });

  it("rejects text/plain with 415", async () => {
    const failure = await errorOf(() => readJson(post('{"text":"a"}', "text/plain"), schema));
    expect(failure.status).toBe(415);
    expect(failure.error).toEqual({ code: "unsupported_media_type", field: "content-type", message: "The request body must be sent as application/json; it was sent as text/plain.", retryable: false });
  });

  it("rejects a body without a content type", async () => {
    const request = new Request("http://localhost/api/predict", { method: "POST", body: new TextEncoder().encode('{"text":"a"}') });
    const failure = await errorOf(() => readJson(request, schema));
    expect(failure.status).toBe(415);
    expect(failure.error.message).toBe("The request body must be sent as application/json; it was sent as none.");
  });

  it("rejects a non-UTF-8 charset with 415", async () => {
    const failure = await errorOf(() => readJson(post('{"text":"caf\u00e9"}', "application/json; charset=ISO-8859-1"), schema));
    expect(failure.status).toBe(415);
    expect(failure.error).toEqual({
      code: "unsupported_charset",
      field: "content-type",
      message: "The request body must be UTF-8 JSON; it was declared as charset=iso-8859-1. Send it as UTF-8, with charset=utf-8 or no charset.",
      retryable: false,
    });
  });

  it("accepts a quoted UTF-8 charset", async () => {
    expect(await readJson(post('{"text":"a"}', 'application/json; charset="UTF8"'), schema)).toEqual({ text: "a" });
  });

  it("names the position of a JSON syntax error", async () => {
    const body = '{"text":"a" "b"}';
    const failure = await errorOf(() => readJson(post(body, "application/json"), schema));
    expect(failure.status).toBe(400);
    expect(failure.error.code).toBe("invalid_json");
    expect(failure.error.field).toBe("body");
    expect(failure.error.retryable).toBe(false);
    // The detail is V8's own description, whose wording differs between Node versions.
    expect(failure.error.message).toMatch(/^The request body is not valid JSON: .*at position 12\. Fix the JSON and send it again\.$/);
  });

  it("rejects invalid UTF-8 bytes with 400", async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('{"text":"bad '), 0xff, 0xfe, ...new TextEncoder().encode(' <mask>"}')]);
    const failure = await errorOf(() => readJson(post(bytes, "application/json"), schema), "zh-CN");
    expect(failure.status).toBe(400);
    expect(failure.error).toEqual({ code: "invalid_utf8", field: "body", message: "请求体不是有效的 UTF-8。请以 UTF-8 保存或发送文本。", retryable: false });
  });
});

describe("readQuery", () => {
  const querySchema = z.object({ q: z.string().optional() });
  const get = (search: string) => new Request(`http://localhost/api/jobs/x/results${search}`);

  it("decodes UTF-8 values", () => {
    expect(readQuery(get("?q=caf%C3%A9+au+lait"), querySchema)).toEqual({ q: "café au lait" });
    expect(readQuery(get("?q=100%"), querySchema)).toEqual({ q: "100%" });
  });

  it("rejects bytes that are not UTF-8", async () => {
    for (const search of ["?q=%FF", "?q=%ED%A0%80", "?x=1&q=ab%C3"]) {
      const failure = await errorOf(() => readQuery(get(search), querySchema));
      expect(failure.status, search).toBe(400);
      expect(failure.error, search).toEqual({
        code: "invalid_utf8",
        field: "q",
        message: "The query parameter q is not valid UTF-8 once percent-decoded. Encode its value as UTF-8 before percent-encoding it.",
        retryable: false,
      });
    }
  });

  it("leaves file names to their own rule", async () => {
    const failure = await errorOf(() => readQuery(get("?name=a%09b.txt"), uploadNameSchema, ["name"]));
    expect(failure.status).toBe(400);
    expect(failure.error.message).toBe(
      "name contains a control character or a text-direction control (such as U+202E), which can disguise the real name. Rename the file without them and upload it again.",
    );
  });
});

describe("assertCorpusText", () => {
  it("accepts tabs, line breaks and paired surrogates", () => {
    expect(() => assertCorpusText("a\tb\nc 😀 <mask>", "text")).not.toThrow();
  });

  it("rejects NUL with its position", async () => {
    const failure = await errorOf(() => assertCorpusText("ab\u0000 <mask>", "text"));
    expect(failure.status).toBe(400);
    expect(failure.error).toEqual({ code: "control_character", field: "text", message: "text contains the control character U+0000 at character 3. Remove control characters; tab and line breaks are allowed.", retryable: false });
  });

  it("rejects ESC and BEL", async () => {
    expect((await errorOf(() => assertCorpusText("esc \u001b[31m <mask>", "text"))).error.message).toBe("text contains the control character U+001B at character 5. Remove control characters; tab and line breaks are allowed.");
    expect((await errorOf(() => assertCorpusText("<mask> \u0007", "sentences.2"))).error.field).toBe("sentences.2");
  });

  it("rejects a lone surrogate", async () => {
    const failure = await errorOf(() => assertCorpusText("lone \ud800 <mask>", "text"), "zh-CN");
    expect(failure.error).toEqual({ code: "invalid_unicode", field: "text", message: "text 的第 6 个字符是未配对的代理项 U+D800，不是有效的 Unicode。请以有效的 UTF-8 发送文本。", retryable: false });
  });
});

describe("methodNotAllowed", () => {
  it("answers 405 with a JSON body", async () => {
    const response = await methodNotAllowed("POST")(new Request("http://localhost/api/predict"));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(((await response.json()) as ApiErrorBody).error).toEqual({ code: "method_not_allowed", message: "GET is not supported here. Use POST.", retryable: false });
  });
});

describe("API catch-all route", () => {
  it("returns 404 JSON for unknown paths", async () => {
    const response = await unknownApiPath.DELETE(new Request("http://localhost/api/jobz/42?x=1", { method: "DELETE" }), undefined);
    expect(response.status).toBe(404);
    expect(((await response.json()) as ApiErrorBody).error).toEqual({
      code: "not_found",
      message: "No API endpoint matches DELETE /api/jobz/42. Check the path against the endpoint list in docs/api.md.",
      retryable: false,
    });
  });

  it("shortens a long path in the message", async () => {
    const response = await unknownApiPath.GET(new Request(`http://localhost/api/${"a".repeat(300)}`, { headers: { "accept-language": "zh-CN" } }), undefined);
    const error = ((await response.json()) as ApiErrorBody).error;
    expect(error.message).toBe(`没有与 GET /api/${"a".repeat(195)}... 匹配的 API 端点。请对照 docs/api.md 中的端点列表检查路径。`);
  });
});

describe("engineRejection", () => {
  it("translates invalid_targets and names targets", async () => {
    const failure = await errorOf(() => {
      throw engineRejection({ code: "invalid_targets", message: "None of the targets is a single token" }, [" zzqx"]);
    }, "zh-CN");
    expect(failure.status).toBe(422);
    expect(failure.error).toEqual({ code: "invalid_targets", field: "targets", message: "目标词（\" zzqx\"）都不是模型词表中的单个词元，因此无法打分。请使用单个词。", retryable: false });
  });

  it("keeps the engine message for a code without a catalog entry", async () => {
    const failure = await errorOf(() => {
      throw engineRejection({ code: "no_mask", message: "No mask found." }, undefined);
    });
    expect(failure.error).toEqual({ code: "no_mask", field: "text", message: "The model rejected the sentence (no_mask): No mask found.", retryable: false });
  });
});
