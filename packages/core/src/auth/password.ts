import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

import { AuthError } from "./errors.ts";

/** scrypt cost: N = 2^15, r = 8, p = 1, which needs 32 MiB of memory per hash. */
const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
// NOTE: the cost was chosen to keep sign-ins quick on small lab servers, not from a benchmark.
// Stored hashes record their parameters, so raising COST later keeps old hashes valid.

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must cover 128 * N * r bytes, which is 32 MiB at the default cost.
    scrypt(password.normalize("NFC"), salt, KEY_LENGTH, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/** Throws AuthError(invalid_input) unless the password has 12 to 1024 characters. */
export function validatePassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AuthError("invalid_input", `password must have at least ${MIN_PASSWORD_LENGTH} characters (got ${password.length}); choose a longer one`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new AuthError("invalid_input", `password must have at most ${MAX_PASSWORD_LENGTH} characters (got ${password.length})`);
  }
}

/** Hashes a password with scrypt and a random salt into "scrypt$N$r$p$salt$hash". */
export async function hashPassword(password: string): Promise<string> {
  validatePassword(password);
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, COST);
  return ["scrypt", COST.N, COST.r, COST.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/**
 * Checks a password against a stored hash in constant time. Returns false for a wrong password
 * and for a malformed stored hash, so a damaged row never signs anyone in.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  if (n === undefined || r === undefined || p === undefined || ![n, r, p].every(Number.isSafeInteger)) return false;
  const salt = Buffer.from(parts[4] ?? "", "base64url");
  const expected = Buffer.from(parts[5] ?? "", "base64url");
  if (salt.length === 0 || expected.length !== KEY_LENGTH || password.length > MAX_PASSWORD_LENGTH) return false;
  const actual = await derive(password, salt, { N: n, r, p });
  return timingSafeEqual(actual, expected);
}
