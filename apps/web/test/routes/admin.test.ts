import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as revokeRoute from "../../src/app/(auth)/api/admin/tokens/[id]/revoke/route.ts";
import * as tokensRoute from "../../src/app/(auth)/api/admin/tokens/route.ts";
import * as disableRoute from "../../src/app/(auth)/api/admin/users/[id]/disable/route.ts";
import * as usersRoute from "../../src/app/(auth)/api/admin/users/route.ts";
import { apiRequest, errorOf, params, startRouteHarness, type RouteHarness } from "./harness.ts";

// The admin API's errors in both languages. Access control is off, so every request acts as the
// anonymous admin.

const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";
const PASSWORD = "correct horse battery";

let harness: RouteHarness;

beforeAll(async () => {
  harness = await startRouteHarness();
});

afterAll(async () => {
  await harness?.close();
});

/** Builds a JSON POST request in the given language. */
function post(path: string, body: unknown, language = "zh-CN"): Request {
  return apiRequest(path, { method: "POST", headers: { "content-type": "application/json", "accept-language": language }, body: JSON.stringify(body) });
}

async function createUser(username: string): Promise<{ id: string }> {
  const response = await usersRoute.POST(post("/api/admin/users", { username, password: PASSWORD, role: "operator" }), undefined);
  expect(response.status).toBe(201);
  return ((await response.json()) as { user: { id: string } }).user;
}

describe("admin API errors", () => {
  it("explain the username rule", async () => {
    const english = await errorOf(await usersRoute.POST(post("/api/admin/users", { username: "a b", password: PASSWORD, role: "viewer" }, "en"), undefined));
    expect(english.status).toBe(400);
    expect(english.error).toEqual({
      code: "invalid_request",
      field: "username",
      message: "username must have 2 to 64 characters, each an ASCII letter, a digit, '.', '_' or '-', and start with a letter or digit. Spaces are not allowed.",
      retryable: false,
    });
    const chinese = await errorOf(await usersRoute.POST(post("/api/admin/users", { username: "a b", password: PASSWORD, role: "viewer" }), undefined));
    expect(chinese.error.message).toBe("username 须为 2 到 64 个字符，只能使用英文字母、数字、“.”、“_”和“-”，并以字母或数字开头，不能含空格。");
  });

  it("translate a taken username", async () => {
    await createUser("carol");
    const failure = await errorOf(await usersRoute.POST(post("/api/admin/users", { username: "Carol", password: PASSWORD, role: "viewer" }), undefined));
    expect(failure.status).toBe(409);
    expect(failure.error).toEqual({ code: "username_taken", message: "用户名 carol 已被占用，请换一个。", retryable: false });
  });

  it("translate a malformed user id", async () => {
    const failure = await errorOf(await disableRoute.POST(post("/api/admin/users/zzz/disable", {}), params({ id: "zzz" })));
    expect(failure.status).toBe(400);
    expect(failure.error).toEqual({ code: "invalid_input", field: "id", message: "zzz 不是有效的用户 ID。用户 ID 是 UUID，可通过 GET /api/admin/users 查看。", retryable: false });
  });

  it("translate an unknown user", async () => {
    const failure = await errorOf(await disableRoute.POST(post(`/api/admin/users/${UNKNOWN_ID}/disable`, {}), params({ id: UNKNOWN_ID })));
    expect(failure.status).toBe(404);
    expect(failure.error).toEqual({ code: "not_found", message: `未找到用户 ${UNKNOWN_ID}。可通过 GET /api/admin/users 查看所有用户及其 ID。`, retryable: false });
    const token = await errorOf(await tokensRoute.POST(post("/api/admin/tokens", { userId: UNKNOWN_ID, name: "ci" }, "en"), undefined));
    expect(token.status).toBe(404);
    expect(token.error).toEqual({ code: "not_found", field: "userId", message: `User ${UNKNOWN_ID} was not found. GET /api/admin/users lists the users and their ids.`, retryable: false });
  });

  it("translate an unknown token", async () => {
    const failure = await errorOf(await revokeRoute.POST(post(`/api/admin/tokens/${UNKNOWN_ID}/revoke`, {}), params({ id: UNKNOWN_ID })));
    expect(failure.status).toBe(404);
    expect(failure.error).toEqual({ code: "not_found", message: `未找到 API 令牌 ${UNKNOWN_ID}。可通过 GET /api/admin/tokens 查看所有令牌及其 ID。`, retryable: false });
    const malformed = await errorOf(await revokeRoute.POST(post("/api/admin/tokens/42/revoke", {}, "en"), params({ id: "42" })));
    expect(malformed.error).toEqual({ code: "invalid_input", field: "id", message: "42 is not an API token id. Token ids are UUIDs; GET /api/admin/tokens lists them.", retryable: false });
  });

  it("translate a token for a disabled user", async () => {
    const user = await createUser("dave");
    expect((await disableRoute.POST(post(`/api/admin/users/${user.id}/disable`, {}), params({ id: user.id }))).status).toBe(200);
    const failure = await errorOf(await tokensRoute.POST(post("/api/admin/tokens", { userId: user.id, name: "ci" }), undefined));
    expect(failure.status).toBe(400);
    expect(failure.error).toEqual({ code: "invalid_input", message: "用户 dave 已停用，无法为其创建 API 令牌。请改为创建新用户。", retryable: false });
  });
});
