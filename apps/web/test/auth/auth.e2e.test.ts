import { Queue } from "bullmq";
import { chromium } from "playwright-core";
import { AuthStore } from "@maskfill/core/auth";
import { INTERACTIVE_QUEUE } from "@maskfill/core/queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiErrorBody } from "../../src/lib/api-types.ts";
import { buildWebApp, startStack, type Stack } from "../e2e/stack.ts";

// Access control and limits against the real Next.js production server, Postgres and Redis,
// with MASKFILL_AUTH=on. No worker runs, so a request that passes every check ends in 503
// no_worker: that status proves the request got through authentication and the limits.

let stack: Stack;
let store: AuthStore;
const tokens: Record<string, string> = {};

const PASSWORD = "a long enough password";

beforeAll(async () => {
  await buildWebApp();
  stack = await startStack({
    MASKFILL_AUTH: "on",
    MASKFILL_RATE_LIMIT_PER_TOKEN: "3",
    MASKFILL_MAX_SENTENCE_CHARS: "200",
    MASKFILL_MAX_MASKS: "4",
    MASKFILL_MAX_TOP_K: "60",
    MASKFILL_MAX_TARGETS: "2",
    MASKFILL_MAX_QUEUE_DEPTH: "1",
    // Tokens are revoked by this test process, so the web app must not serve them from its cache.
    MASKFILL_TOKEN_CACHE_MS: "0",
  });
  store = new AuthStore(stack.database.prisma);
  for (const role of ["viewer", "operator", "admin"] as const) {
    const user = await store.createUser({ username: role, password: PASSWORD, role });
    tokens[role] = (await store.createApiToken({ userId: user.id, name: `${role} test` })).token;
  }
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

async function call(path: string, init: RequestInit & { token?: string; cookie?: string } = {}): Promise<{ response: Response; error: ApiErrorBody["error"] | undefined; body: unknown }> {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set("authorization", `Bearer ${init.token}`);
  if (init.cookie !== undefined) headers.set("cookie", init.cookie);
  if (typeof init.body === "string" && !path.startsWith("/api/uploads") && !headers.has("content-type")) headers.set("content-type", "application/json");
  const response = await fetch(`${stack.baseUrl}${path}`, { ...init, headers, redirect: "manual" });
  const text = await response.text();
  const body: unknown = text.startsWith("{") ? JSON.parse(text) : text;
  const error = typeof body === "object" && body !== null && "error" in body ? (body as ApiErrorBody).error : undefined;
  return { response, error, body };
}

function predict(token: string, text = "A <mask> day.") {
  return call("/api/predict", { method: "POST", token, body: JSON.stringify({ text }) });
}

async function signIn(username: string, password: string) {
  return call("/api/auth/sign-in", { method: "POST", headers: { origin: stack.baseUrl }, body: JSON.stringify({ username, password }) });
}

function cookieOf(response: Response): string {
  const header = response.headers.get("set-cookie") ?? "";
  return header.split(";")[0] ?? "";
}

describe("authentication", () => {
  it("rejects API calls without credentials", async () => {
    const { response, error } = await call("/api/jobs");
    expect(response.status).toBe(401);
    expect(error?.code).toBe("unauthenticated");
    expect(error?.message).toBe("Sign in first, or send an API token in the Authorization header (Bearer mf_…).");
  });

  it("rejects unknown and revoked tokens", async () => {
    expect((await call("/api/jobs", { token: "mf_not-a-real-token" })).response.status).toBe(401);
    const user = await store.findUser("viewer");
    const { token, view } = await store.createApiToken({ userId: user.id, name: "to revoke" });
    expect((await call("/api/jobs", { token })).response.status).toBe(200);
    await store.revokeApiToken(view.id);
    expect((await call("/api/jobs", { token })).response.status).toBe(401);
  });

  it("redirects pages to sign-in", async () => {
    const { response } = await call("/jobs?status=failed");
    expect(response.status).toBe(307);
    expect(response.headers.get("location")).toBe("/sign-in?next=%2Fjobs%3Fstatus%3Dfailed");
  });

  it("ignores off-site return targets", async () => {
    // The form's `next` prop as it appears in the page's serialized React payload.
    const nextProp = (value: string) => JSON.stringify(JSON.stringify({ next: value })).slice(1, -1);
    for (const target of ["//evil.example/x", "/\\evil.example/x", "https://evil.example/x"]) {
      const { response, body } = await call(`/sign-in?next=${encodeURIComponent(target)}`);
      expect(response.status).toBe(200);
      expect(String(body)).toContain(nextProp("/"));
    }
    const { body } = await call(`/sign-in?next=${encodeURIComponent("/jobs?status=failed")}`);
    expect(String(body)).toContain(nextProp("/jobs?status=failed"));
  });

  it("signs in with a secure http-only cookie", async () => {
    const wrong = await signIn("viewer", "not the password");
    expect(wrong.response.status).toBe(401);
    expect(wrong.error?.code).toBe("invalid_credentials");
    expect(wrong.response.headers.get("set-cookie")).toBeNull();

    const right = await signIn("Viewer", PASSWORD);
    expect(right.response.status).toBe(200);
    const setCookie = right.response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^maskfill_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure$/);

    const me = await call("/api/auth/me", { cookie: cookieOf(right.response) });
    expect(me.response.status).toBe(200);
    expect(me.body).toEqual({ user: { username: "viewer", role: "viewer", via: "session" }, authMode: "on" });

    const page = await call("/jobs", { cookie: cookieOf(right.response) });
    expect(page.response.status).toBe(200);
    expect(String(page.body)).toContain("Signed in as viewer (viewer)");
  });

  it("limits sign-in per user name", async () => {
    // The per-IP limit alone is dodged by a client that sends its own X-Forwarded-For. The name
    // has no account, which the limit does not reveal, and so leaves the admin user list alone.
    const signInFrom = (ip: string, username: string) =>
      call("/api/auth/sign-in", { method: "POST", headers: { origin: stack.baseUrl, "x-forwarded-for": ip }, body: JSON.stringify({ username, password: "not the password" }) });
    const statuses: number[] = [];
    for (let i = 1; i <= 10; i += 1) statuses.push((await signInFrom(`10.0.0.${i}`, "guessed")).response.status);
    expect(statuses).toEqual(Array.from({ length: 10 }, () => 401));

    const limited = await signInFrom("10.0.1.1", " GUESSED");
    expect(limited.response.status).toBe(429);
    expect(limited.error?.code).toBe("rate_limited");
    expect(limited.error?.message).toMatch(/^Too many requests for this user name: at most 10 per 600 s\. Try again in \d+ s\.$/);
    expect((await signInFrom("10.0.1.2", "viewer")).response.status).toBe(401);
  });

  it("ends the session at sign-out", async () => {
    const { response } = await signIn("viewer", PASSWORD);
    const cookie = cookieOf(response);
    const out = await call("/api/auth/sign-out", { method: "POST", cookie, headers: { origin: stack.baseUrl } });
    expect(out.response.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await call("/api/auth/me", { cookie })).response.status).toBe(401);
  });
});

describe("roles", () => {
  it("lets a viewer browse but not submit or cancel", async () => {
    expect((await call("/api/jobs", { token: tokens.viewer })).response.status).toBe(200);
    const submit = await predict(tokens.viewer!);
    expect(submit.response.status).toBe(403);
    expect(submit.error?.message).toBe("Your role (viewer) cannot do this; it needs the operator role. Ask an administrator.");
    const cancel = await call("/api/jobs/00000000-0000-4000-8000-000000000000/cancel", { method: "POST", token: tokens.viewer });
    expect(cancel.response.status).toBe(403);
    expect((await call("/api/workers/load", { method: "POST", token: tokens.viewer, body: "{}" })).response.status).toBe(403);
  });

  it("lets an operator submit", async () => {
    const { response, error } = await predict(tokens.operator!);
    expect(response.status).toBe(503);
    expect(error?.code).toBe("no_worker");
  });

  it("keeps admin routes for admins", async () => {
    expect((await call("/api/admin/users", { token: tokens.operator })).response.status).toBe(403);
    const created = await call("/api/admin/users", { method: "POST", token: tokens.admin, body: JSON.stringify({ username: "newcomer", password: PASSWORD, role: "viewer" }) });
    expect(created.response.status).toBe(201);
    const listed = await call("/api/admin/users", { token: tokens.admin });
    expect((listed.body as { users: { username: string }[] }).users.map((user) => user.username)).toEqual(["viewer", "operator", "admin", "newcomer"]);
    const duplicate = await call("/api/admin/users", { method: "POST", token: tokens.admin, body: JSON.stringify({ username: "newcomer", password: PASSWORD, role: "viewer" }) });
    expect(duplicate.response.status).toBe(409);
    expect(duplicate.error?.code).toBe("username_taken");
    expect(duplicate.error?.message).toBe("The username newcomer is taken. Choose another one.");
  });

  it("never returns password or token hashes", async () => {
    const users = await call("/api/admin/users", { token: tokens.admin });
    const listed = await call("/api/admin/tokens", { token: tokens.admin });
    expect(JSON.stringify(users.body)).not.toContain("scrypt$");
    expect(JSON.stringify(listed.body)).not.toMatch(/tokenHash|[0-9a-f]{64}/);
  });
});

describe("cross-site requests and headers", () => {
  it("rejects a cross-site POST that carries the cookie", async () => {
    const { response: signedIn } = await signIn("operator", PASSWORD);
    const cookie = cookieOf(signedIn);
    const forged = await call("/api/predict", { method: "POST", cookie, headers: { origin: "https://evil.example" }, body: JSON.stringify({ text: "A <mask>." }) });
    expect(forged.response.status).toBe(403);
    expect(forged.error?.code).toBe("cross_site_request");
    const fetchSite = await call("/api/predict", { method: "POST", cookie, headers: { "sec-fetch-site": "cross-site" }, body: JSON.stringify({ text: "A <mask>." }) });
    expect(fetchSite.response.status).toBe(403);
    const sameOrigin = await call("/api/predict", { method: "POST", cookie, headers: { origin: stack.baseUrl, "sec-fetch-site": "same-origin" }, body: JSON.stringify({ text: "A <mask>." }) });
    expect(sameOrigin.response.status).toBe(503);
  });

  it("sets CSP, frame denial and nosniff", async () => {
    const { response, body } = await call("/sign-in");
    const csp = response.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    // Every script tag Next.js renders carries this request's nonce.
    const scripts = String(body).match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);

    const api = await call("/api/jobs");
    expect(api.response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(api.response.headers.get("x-frame-options")).toBe("DENY");
    expect(api.response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
  });
});

describe("limits", () => {
  it("rate-limits per token with Retry-After", async () => {
    const user = await store.findUser("operator");
    const { token } = await store.createApiToken({ userId: user.id, name: "rate test" });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await predict(token)).response.status);
    expect(statuses).toEqual([503, 503, 503]);
    const limited = await predict(token);
    expect(limited.response.status).toBe(429);
    expect(limited.error?.code).toBe("rate_limited");
    expect(Number(limited.response.headers.get("retry-after"))).toBeGreaterThanOrEqual(19);
    expect(limited.error?.message).toMatch(/^Too many requests for this account: at most 3 per 60 s\. Try again in \d+ s\.$/);
    // Another token of the same user has its own budget.
    expect((await predict(tokens.admin!)).response.status).toBe(503);
  });

  it("rejects long sentences and many masks", async () => {
    const user = await store.findUser("operator");
    const { token } = await store.createApiToken({ userId: user.id, name: "limits test" });
    const long = await predict(token, `${"word ".repeat(60)}<mask>.`);
    expect(long.response.status).toBe(422);
    expect(long.error?.code).toBe("sentence_too_long");
    expect(long.error?.field).toBe("text");
    const masks = await predict(token, "<mask> ".repeat(5));
    expect(masks.response.status).toBe(422);
    expect(masks.error?.message).toBe("The sentence has 5 masks; the limit is 4. Remove some masks.");
  });

  it("applies the configured top-k and target limits", async () => {
    const user = await store.findUser("operator");
    const { token } = await store.createApiToken({ userId: user.id, name: "option limits test" });
    const send = (body: object) => call("/api/predict", { method: "POST", token, body: JSON.stringify({ text: "A <mask> day.", ...body }) });
    // 60 is above the sliders' 50 and within MASKFILL_MAX_TOP_K, so only the missing worker stops it.
    expect((await send({ topK: 60 })).error?.code).toBe("no_worker");
    const topK = await send({ topK: 61 });
    expect(topK.response.status).toBe(422);
    expect(topK.error?.code).toBe("top_k_too_large");
    expect(topK.error?.field).toBe("topK");
    const targets = await send({ targets: ["red", "blue", "green"] });
    expect(targets.response.status).toBe(422);
    expect(targets.error?.code).toBe("too_many_targets");
  });

  it("answers busy when the queue is too deep", async () => {
    const queue = new Queue(INTERACTIVE_QUEUE, { connection: { url: "redis://127.0.0.1:6379" }, prefix: stack.queuePrefix });
    await queue.add("placeholder", {});
    await queue.add("placeholder", {});
    try {
      const user = await store.findUser("admin");
      const { token } = await store.createApiToken({ userId: user.id, name: "busy test" });
      const busy = await predict(token);
      expect(busy.response.status).toBe(503);
      expect(busy.error?.code).toBe("queue_busy");
      expect(busy.response.headers.get("retry-after")).toBe("5");
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

describe("admin page", () => {
  it("adds a user and shows a new token once", async () => {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage();
      await page.goto(`${stack.baseUrl}/admin`);
      await page.waitForURL(/\/sign-in\?next=%2Fadmin$/);
      await page.getByTestId("username").fill("admin");
      await page.getByTestId("password").fill(PASSWORD);
      await page.getByTestId("sign-in").click();
      await page.waitForURL(`${stack.baseUrl}/admin`);

      await page.locator("#new-username").fill("browser-made");
      await page.locator("#new-password").fill(PASSWORD);
      await page.locator("#new-role").selectOption("operator");
      await page.getByRole("button", { name: "Add user" }).click();
      await page.getByTestId("users-table").getByText("browser-made").waitFor();
      expect((await store.findUser("browser-made")).role).toBe("operator");

      await page.locator("#token-name").fill("from the browser");
      await page.locator("#token-user").selectOption({ label: "browser-made" });
      await page.getByRole("button", { name: "Create token" }).click();
      const shown = (await page.getByTestId("new-token").locator(".secret").textContent()) ?? "";
      expect(shown).toMatch(/^mf_[A-Za-z0-9_-]{43}$/);
      expect((await store.resolveApiToken(shown))?.username).toBe("browser-made");
    } finally {
      await browser.close();
    }
  });
});
