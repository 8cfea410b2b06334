import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import { AuthError, AuthStore, hashSecret, hasRole } from "../../src/auth/index.ts";
import { createTestDatabase, type TestDatabase } from "../../src/testing/index.ts";

let database: TestDatabase;
let store: AuthStore;

beforeAll(async () => {
  database = await createTestDatabase();
  store = new AuthStore(database.prisma);
});

afterAll(async () => {
  await database.drop();
});

async function caught(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error("expected an AuthError, but the call succeeded");
}

describe("AuthStore users", () => {
  it("creates a user with a lower-case name and no hash in the view", async () => {
    const user = await store.createUser({ username: "  Alice ", password: "alice password 1", role: "operator" });
    expect(user.username).toBe("alice");
    expect(user.role).toBe("operator");
    expect(Object.keys(user).sort()).toEqual(["createdAt", "disabledAt", "id", "role", "username"]);
    const row = await database.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash).not.toContain("alice password 1");
  });

  it("rejects a taken username", async () => {
    await store.createUser({ username: "bob", password: "bob password 12", role: "viewer" });
    const error = await caught(store.createUser({ username: "BOB", password: "other password 1", role: "admin" }));
    expect(error.code).toBe("username_taken");
    expect(error.status).toBe(409);
    expect(error.message).toBe('user "bob" already exists; choose another username');
  });

  it("rejects invalid usernames naming the value", async () => {
    const error = await caught(store.createUser({ username: "a b<script>", password: "valid password 1", role: "viewer" }));
    expect(error.code).toBe("invalid_input");
    expect(error.message).toContain('(got "a b<script>")');
    expect(await database.prisma.user.count({ where: { username: { contains: "script" } } })).toBe(0);
  });

  it("never echoes a rejected password", async () => {
    const error = await caught(store.createUser({ username: "carol", password: "secret", role: "viewer" }));
    expect(error.message).toBe("password must have at least 12 characters");
  });

  it("rejects an unknown role", async () => {
    const error = await caught(store.createUser({ username: "dave", password: "dave password 1", role: "root" as "admin" }));
    expect(error.message).toBe('role must be viewer, operator or admin (got "root")');
  });
});

describe("AuthStore sessions", () => {
  it("signs in and resolves the session", async () => {
    await store.createUser({ username: "erin", password: "erin password 12", role: "viewer" });
    const { sessionToken, principal } = await store.signIn({ username: "Erin", password: "erin password 12" });
    expect(principal.username).toBe("erin");
    const stored = await database.prisma.session.findMany({ where: { userId: principal.userId } });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.tokenHash).toBe(hashSecret(sessionToken));
    expect(await store.resolveSession(sessionToken)).toEqual({ userId: principal.userId, username: "erin", role: "viewer", via: "session" });
  });

  it("gives the same error for unknown users and wrong passwords", async () => {
    const unknown = await caught(store.signIn({ username: "nobody", password: "whatever password" }));
    const wrong = await caught(store.signIn({ username: "erin", password: "wrong password 12" }));
    expect(unknown.code).toBe("invalid_credentials");
    expect(wrong.code).toBe("invalid_credentials");
    expect(unknown.message).toBe(wrong.message);
  });

  it("rejects a user name with NUL as invalid input", async () => {
    const failure = await caught(store.signIn({ username: "erin\u0000", password: "erin password 12" }));
    expect(failure.code).toBe("invalid_input");
    expect(failure.message).toContain("username must not contain control characters");
  });

  it("ends sessions at sign-out", async () => {
    const { sessionToken } = await store.signIn({ username: "erin", password: "erin password 12" });
    await store.signOut(sessionToken);
    expect(await store.resolveSession(sessionToken)).toBeNull();
  });

  it("rejects expired sessions", async () => {
    const { sessionToken, principal } = await store.signIn({ username: "erin", password: "erin password 12" });
    await database.prisma.session.updateMany({ where: { userId: principal.userId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await store.resolveSession(sessionToken)).toBeNull();
  });

  it("rejects forged session values", async () => {
    expect(await store.resolveSession("")).toBeNull();
    expect(await store.resolveSession("x".repeat(5000))).toBeNull();
    expect(await store.resolveSession("not-a-session")).toBeNull();
  });

  it("disabling a user ends sessions and blocks sign-in", async () => {
    const user = await store.createUser({ username: "frank", password: "frank password 1", role: "operator" });
    const { sessionToken } = await store.signIn({ username: "frank", password: "frank password 1" });
    const disabled = await store.disableUser(user.id);
    expect(disabled.disabledAt).toBeInstanceOf(Date);
    expect(await store.resolveSession(sessionToken)).toBeNull();
    expect((await caught(store.signIn({ username: "frank", password: "frank password 1" }))).code).toBe("invalid_credentials");
  });

  it("rejects a malformed user id", async () => {
    const error = await caught(store.disableUser("42; DROP TABLE users"));
    expect(error.message).toBe('id must be a UUID, as printed by the list commands (got "42; DROP TABLE users")');
    expect(await database.prisma.user.count()).toBeGreaterThan(0);
  });
});

describe("AuthStore API tokens", () => {
  it("creates, resolves and revokes a token", async () => {
    const user = await store.createUser({ username: "grace", password: "grace password 1", role: "operator" });
    const { token, view } = await store.createApiToken({ userId: user.id, name: "nightly eval" });
    expect(token.startsWith("mf_")).toBe(true);
    expect(token.length).toBe(46);
    expect(view.prefix).toBe(token.slice(0, 11));
    const row = await database.prisma.apiToken.findUniqueOrThrow({ where: { id: view.id } });
    expect(row.tokenHash).toBe(hashSecret(token));
    expect(row.tokenHash).not.toContain(token.slice(3));

    const principal = await store.resolveApiToken(token);
    expect(principal).toEqual({ userId: user.id, username: "grace", role: "operator", via: "token", tokenId: view.id });
    expect((await database.prisma.apiToken.findUniqueOrThrow({ where: { id: view.id } })).lastUsedAt).toBeInstanceOf(Date);

    await store.revokeApiToken(view.id);
    expect(await store.resolveApiToken(token)).toBeNull();
    const listed = await store.listApiTokens(user.id);
    expect(listed).toHaveLength(1);
    expect(listed[0]?.revokedAt).toBeInstanceOf(Date);
  });

  it("rejects expired tokens and tokens of disabled users", async () => {
    const user = await store.createUser({ username: "heidi", password: "heidi password 1", role: "viewer" });
    const expiring = await store.createApiToken({ userId: user.id, name: "short", expiresInDays: 1 });
    await database.prisma.apiToken.update({ where: { id: expiring.view.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await store.resolveApiToken(expiring.token)).toBeNull();

    const lasting = await store.createApiToken({ userId: user.id, name: "long" });
    expect((await store.resolveApiToken(lasting.token))?.username).toBe("heidi");
    await store.disableUser(user.id);
    expect(await store.resolveApiToken(lasting.token)).toBeNull();
  });

  it("rejects unknown tokens and bad token input", async () => {
    expect(await store.resolveApiToken("mf_unknown")).toBeNull();
    expect(await store.resolveApiToken("Bearer something")).toBeNull();
    const user = await store.createUser({ username: "ivan", password: "ivan password 12", role: "viewer" });
    const error = await caught(store.createApiToken({ userId: user.id, name: "bad\u0000name" }));
    expect(error.message).toBe('name must not contain control characters (got "bad\\u0000name")');
    expect((await caught(store.revokeApiToken("00000000-0000-4000-8000-000000000000"))).code).toBe("not_found");
  });
});

describe("AuthStore token cache", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("serves a resolved token from memory until tokenCacheMs passes", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const cachingStore = new AuthStore(database.prisma, { tokenCacheMs: 2_000 });
    const user = await store.createUser({ username: "judy", password: "judy password 12", role: "operator" });
    const { token, view } = await store.createApiToken({ userId: user.id, name: "cached" });
    expect((await cachingStore.resolveApiToken(token))?.tokenId).toBe(view.id);

    // Revoked by another store, as another web instance or the CLI would: the cached entry holds.
    await store.revokeApiToken(view.id);
    vi.setSystemTime(Date.now() + 1_999);
    expect((await cachingStore.resolveApiToken(token))?.tokenId).toBe(view.id);
    vi.setSystemTime(Date.now() + 2);
    expect(await cachingStore.resolveApiToken(token)).toBeNull();
    expect(await store.resolveApiToken(token)).toBeNull();
  });

  it("clears the cache on revoke and disable", async () => {
    const cachingStore = new AuthStore(database.prisma, { tokenCacheMs: 60_000 });
    const user = await store.createUser({ username: "ken", password: "ken password 123", role: "operator" });
    const first = await store.createApiToken({ userId: user.id, name: "first" });
    const second = await store.createApiToken({ userId: user.id, name: "second" });
    expect(await cachingStore.resolveApiToken(first.token)).not.toBeNull();
    expect(await cachingStore.resolveApiToken(second.token)).not.toBeNull();
    await cachingStore.revokeApiToken(first.view.id);
    expect(await cachingStore.resolveApiToken(first.token)).toBeNull();
    expect(await cachingStore.resolveApiToken(second.token)).not.toBeNull();
    await cachingStore.disableUser(user.id);
    expect(await cachingStore.resolveApiToken(second.token)).toBeNull();
  });

  it("never serves a cached token past its expiry", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const cachingStore = new AuthStore(database.prisma, { tokenCacheMs: 60_000 });
    const user = await store.createUser({ username: "lena", password: "lena password 12", role: "viewer" });
    const { token, view } = await store.createApiToken({ userId: user.id, name: "expiring" });
    const expiresAt = new Date(Date.now() + 1_000);
    await database.prisma.apiToken.update({ where: { id: view.id }, data: { expiresAt } });
    expect(await cachingStore.resolveApiToken(token)).not.toBeNull();
    vi.setSystemTime(expiresAt.getTime());
    expect(await cachingStore.resolveApiToken(token)).toBeNull();
  });

  it("rejects an invalid tokenCacheMs naming the value", () => {
    expect(() => new AuthStore(database.prisma, { tokenCacheMs: -1 })).toThrow("tokenCacheMs must be a whole number of milliseconds from 0 to 60000 (got -1)");
    expect(() => new AuthStore(database.prisma, { tokenCacheMs: 1.5 })).toThrow("(got 1.5)");
  });
});

describe("roles", () => {
  it("orders viewer, operator and admin", () => {
    expect(hasRole("admin", "operator")).toBe(true);
    expect(hasRole("operator", "operator")).toBe(true);
    expect(hasRole("operator", "admin")).toBe(false);
    expect(hasRole("viewer", "operator")).toBe(false);
  });
});
