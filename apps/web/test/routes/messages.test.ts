import { AuthStore } from "@maskfill/core/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as jobsRoute from "../../src/app/api/jobs/route.ts";
import * as uploadsRoute from "../../src/app/api/uploads/route.ts";
import { SESSION_COOKIE } from "../../src/server/auth/session-cookie.ts";
import { excerptOf } from "@maskfill/core/scoring";
import { describeScoreError } from "../../src/server/score-errors.ts";
import { translatorFor } from "../../src/i18n/translate.ts";
import { apiRequest, errorOf, startRouteHarness, type RouteHarness } from "./harness.ts";

// Error messages that must tell the user what is wrong and what to do, with access control on.

const PASSWORD = "correct horse battery";
const INVALID_TOKEN_EN =
  "The API token in the Authorization header is invalid, revoked or expired, or its user is disabled. Ask an administrator for a new token; to use your session instead, send no Authorization header.";

let harness: RouteHarness;
let store: AuthStore;
let operatorId: string;
let sessionCookie: string;

beforeAll(async () => {
  harness = await startRouteHarness({ MASKFILL_AUTH: "on", MASKFILL_TOKEN_CACHE_MS: "0", MASKFILL_UPLOAD_MAX_BYTES: "1kb" });
  store = new AuthStore(harness.database.prisma, { tokenCacheMs: 0 });
  operatorId = (await store.createUser({ username: "bob", password: PASSWORD, role: "operator" })).id;
  const session = await store.signIn({ username: "bob", password: PASSWORD });
  sessionCookie = `${SESSION_COOKIE}=${session.sessionToken}`;
});

afterAll(async () => {
  await harness?.close();
});

/** Sends GET /api/jobs with a bearer token and bob's valid session cookie. */
async function listJobsWith(token: string, language = "en") {
  const request = apiRequest("/api/jobs", { headers: { authorization: `Bearer ${token}`, cookie: sessionCookie, "accept-language": language } });
  return errorOf(await jobsRoute.GET(request, undefined));
}

describe("token errors", () => {
  it("name an unknown token", async () => {
    const failure = await listJobsWith("mf_not-a-real-token");
    expect(failure.status).toBe(401);
    expect(failure.error).toEqual({ code: "invalid_token", field: "authorization", message: INVALID_TOKEN_EN, retryable: false });
  });

  it("name a revoked token in Chinese", async () => {
    const { token, view } = await store.createApiToken({ userId: operatorId, name: "revoked" });
    await store.revokeApiToken(view.id);
    const failure = await listJobsWith(token, "zh-CN");
    expect(failure.status).toBe(401);
    expect(failure.error.code).toBe("invalid_token");
    expect(failure.error.message).toBe("Authorization 请求头中的 API 令牌无效、已撤销或已过期，或其用户已被停用。请向管理员申请新令牌；如需改用当前登录会话，请不要发送 Authorization 请求头。");
  });

  it("name an expired token", async () => {
    const { token, view } = await store.createApiToken({ userId: operatorId, name: "expired", expiresInDays: 1 });
    await harness.database.prisma.apiToken.update({ where: { id: view.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const failure = await listJobsWith(token);
    expect(failure.status).toBe(401);
    expect(failure.error.message).toBe(INVALID_TOKEN_EN);
  });

  it("keep sign-in advice without credentials", async () => {
    const failure = await errorOf(await jobsRoute.GET(apiRequest("/api/jobs"), undefined));
    expect(failure.status).toBe(401);
    expect(failure.error.code).toBe("unauthenticated");
  });
});

describe("limit messages", () => {
  it("name the upload size variable", async () => {
    const request = apiRequest("/api/uploads?name=big.txt", { method: "POST", headers: { cookie: sessionCookie }, body: "a <mask>\n".repeat(200) });
    const failure = await errorOf(await uploadsRoute.POST(request, undefined));
    expect(failure.status).toBe(413);
    expect(failure.error.message).toBe("The file is larger than the 1 KB limit. Split it into smaller files or ask the operator to raise MASKFILL_UPLOAD_MAX_BYTES.");
  });

  it("reject corpus limits in a job", async () => {
    const body = JSON.stringify({ uploadId: "00000000-0000-4000-8000-000000000000", corpus: { format: "txt", limits: { maxLineLength: 500_000 } } });
    const request = apiRequest("/api/jobs", { method: "POST", headers: { cookie: sessionCookie, "content-type": "application/json" }, body });
    const failure = await errorOf(await jobsRoute.POST(request, undefined));
    expect(failure.status).toBe(400);
    expect(failure.error).toEqual({ code: "invalid_request", field: "corpus.limits", message: "Unknown field(s): corpus.limits. Remove them from the request.", retryable: false });
  });
});

describe("score error excerpts", () => {
  it("cut at a code point boundary", () => {
    const text = `${"a".repeat(76)}😀😀 tail`;
    expect(excerptOf(text)).toBe(`${"a".repeat(76)}😀...`);
  });

  it("rebuild text_too_long in Chinese", () => {
    const text = `${"a".repeat(76)}😀 and more words`;
    const engineMessage = `"${"a".repeat(76)}\\ud83d..." has 600 tokens; at most 510 can be scored per text. Split it into sentences and score them separately.`;
    const message = describeScoreError({ code: "text_too_long", message: engineMessage }, text, translatorFor("zh-CN"));
    expect(message).toBe(`"${"a".repeat(76)}😀..." 有 600 个词元，每段文本最多只能为 510 个词元打分。请拆分成多个句子分别打分。`);
  });

  it("keep other engine messages", () => {
    expect(describeScoreError({ code: "empty_text", message: "The text is empty." }, " ", translatorFor("en"))).toBe("The text is empty.");
  });
});
