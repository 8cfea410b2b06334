import { describe, expect, it } from "vitest";

import { AuthError, hashPassword, verifyPassword } from "../../src/auth/index.ts";

describe("password hashing", () => {
  it("verifies the right password only", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored.startsWith("scrypt$32768$8$1$")).toBe(true);
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterY", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("salts each hash", async () => {
    const first = await hashPassword("the same password");
    const second = await hashPassword("the same password");
    expect(first).not.toBe(second);
    expect(await verifyPassword("the same password", second)).toBe(true);
  });

  it("rejects short and long passwords", async () => {
    await expect(hashPassword("short")).rejects.toThrow("password must have at least 12 characters (got 5)");
    await expect(hashPassword("x".repeat(1025))).rejects.toBeInstanceOf(AuthError);
  });

  it("treats malformed stored hashes as mismatches", async () => {
    for (const stored of ["", "plain", "scrypt$1$2$3$$", "bcrypt$32768$8$1$c2FsdA$aGFzaA", "scrypt$x$8$1$c2FsdA$aGFzaA"]) {
      expect(await verifyPassword("any password at all", stored)).toBe(false);
    }
  });
});
