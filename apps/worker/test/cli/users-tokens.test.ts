import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthStore, hashSecret } from "@maskfill/core/auth";
import { createTestDatabase, deleteRedisKeys, type TestDatabase } from "@maskfill/core/testing";
import { runMaskfill } from "../helpers.ts";

let database: TestDatabase;
let workDir: string;
const queuePrefix = `test-cli-auth-${randomBytes(4).toString("hex")}`;

beforeAll(async () => {
  database = await createTestDatabase();
  workDir = await mkdtemp(join(tmpdir(), "maskfill-cli-auth-"));
});

afterAll(async () => {
  await database.drop();
  await deleteRedisKeys(queuePrefix);
  await rm(workDir, { recursive: true, force: true });
});

/** Runs the maskfill CLI against the test database, writing `input` to its standard input. */
function maskfill(args: string[], input = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runMaskfill(args, { DATABASE_URL: database.url, MASKFILL_QUEUE_PREFIX: queuePrefix, LOG_LEVEL: "silent" }, input);
}

describe("maskfill users and tokens", () => {
  it("creates the first admin from standard input", async () => {
    const result = await maskfill(["users", "add", "Root", "--role", "admin", "--password-stdin"], "first admin password\n");
    expect(result.stderr).toBe('Created admin "root".\n');
    expect(result.code).toBe(0);
    const user = await database.prisma.user.findUniqueOrThrow({ where: { username: "root" } });
    expect(result.stdout).toBe(`${user.id}\n`);
    expect((await new AuthStore(database.prisma).signIn({ username: "root", password: "first admin password" })).principal.role).toBe("admin");
  });

  it("rejects a short password and a bad role", async () => {
    const short = await maskfill(["users", "add", "bob", "--role", "viewer", "--password-stdin"], "short\n");
    expect(short.code).toBe(1);
    expect(short.stderr).toBe("maskfill users: password must have at least 12 characters\n");
    const role = await maskfill(["users", "add", "bob", "--role", "root", "--password-stdin"], "long enough password\n");
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('--role must be viewer, operator or admin (got "root")');
    expect(await database.prisma.user.count({ where: { username: "bob" } })).toBe(0);
  });

  it("creates, lists and revokes a token", async () => {
    await maskfill(["users", "add", "ops", "--role", "operator", "--password-stdin"], "operator password 1\n");
    const created = await maskfill(["tokens", "create", "ops", "--name", "nightly", "--expires-days", "30"]);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^mf_[A-Za-z0-9_-]{43}$/);
    const row = await database.prisma.apiToken.findUniqueOrThrow({ where: { tokenHash: hashSecret(token) } });
    expect(row.name).toBe("nightly");

    const listed = await maskfill(["tokens", "list", "ops"]);
    const lines = listed.stdout.trim().split("\n");
    expect(lines[0]).toBe("id\tname\tprefix\tuser\tlast_used\texpires\trevoked");
    expect(lines).toHaveLength(2);
    expect(lines[1]?.split("\t").slice(0, 4)).toEqual([row.id, "nightly", token.slice(0, 11), "ops"]);
    expect(listed.stdout).not.toContain(token);

    expect((await maskfill(["tokens", "revoke", row.id])).code).toBe(0);
    expect(await new AuthStore(database.prisma).resolveApiToken(token)).toBeNull();
  });

  it("names the option in token errors", async () => {
    await maskfill(["users", "add", "limits", "--role", "operator", "--password-stdin"], "operator password 2\n");
    const tokensBefore = await database.prisma.apiToken.count();
    for (const days of ["0", "3651", "1.5"]) {
      const result = await maskfill(["tokens", "create", "limits", "--name", "x", "--expires-days", days]);
      expect(result.stderr).toBe(`maskfill tokens: --expires-days must be an integer from 1 to 3650; got "${days}".\n`);
      expect(result.code).toBe(2);
    }
    const emptyName = await maskfill(["tokens", "create", "limits", "--name", " "]);
    expect(emptyName.stderr).toBe('maskfill tokens: --name " " is invalid: name must not be empty. Pass a label such as nightly-eval.\n');
    expect(emptyName.code).toBe(2);
    expect(await database.prisma.apiToken.count()).toBe(tokensBefore);

    const help = await maskfill(["tokens", "--help"]);
    expect(help.stdout).toContain("--name is a label of 1-100 characters; --expires-days sets the lifetime\n            in days, 1-3650 (default: until revoked)");
  });

  it("refuses to revoke the last admin", async () => {
    const result = await maskfill(["users", "revoke", "root"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"root" is the last enabled admin; create another admin before revoking this one.');
    expect((await database.prisma.user.findUniqueOrThrow({ where: { username: "root" } })).disabledAt).toBeNull();
  });

  it("revokes a user", async () => {
    const result = await maskfill(["users", "revoke", "ops"]);
    expect(result.code).toBe(0);
    const listed = await maskfill(["users", "list"]);
    const opsLine = listed.stdout.split("\n").find((line) => line.includes("\tops\t"));
    expect(opsLine?.split("\t")[4]).not.toBe("-");
  });

  it("names an unknown user", async () => {
    const result = await maskfill(["tokens", "create", "ghost", "--name", "x"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('maskfill tokens: user "ghost" not found; run `maskfill users list` to see the users\n');
  });

  it("submit records the token's user as owner", async () => {
    const store = new AuthStore(database.prisma);
    const operator = await store.createUser({ username: "submitter", password: "submitter password", role: "operator" });
    const viewer = await store.createUser({ username: "watcher", password: "watcher password 1", role: "viewer" });
    const operatorToken = (await store.createApiToken({ userId: operator.id, name: "cli" })).token;
    const viewerToken = (await store.createApiToken({ userId: viewer.id, name: "cli" })).token;
    const corpus = join(workDir, "corpus.txt");
    await writeFile(corpus, "The <mask> is red.\nA <mask> day.\n");

    const submitted = await maskfill(["submit", corpus, "--token", operatorToken]);
    expect(submitted.code).toBe(0);
    const job = await database.prisma.job.findUniqueOrThrow({ where: { id: submitted.stdout.trim() } });
    expect(job.ownerId).toBe(operator.id);

    const jobsBefore = await database.prisma.job.count();
    const refused = await maskfill(["submit", corpus, "--token", viewerToken]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('maskfill submit: the API token belongs to "watcher", a viewer; submitting jobs needs the operator role\n');
    const revoked = await maskfill(["submit", corpus, "--token", "mf_invalid"]);
    expect(revoked.stderr).toContain("the API token is invalid, revoked or expired");
    expect(await database.prisma.job.count()).toBe(jobsBefore);
  });
});
