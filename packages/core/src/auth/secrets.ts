import { createHash, randomBytes } from "node:crypto";

/** Prefix of every API token, so leaked tokens are easy to find with secret scanners. */
export const API_TOKEN_PREFIX = "mf_";

/** Returns the hex sha256 of a token or session secret, the only form in which secrets are stored. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Creates a random 256-bit secret in base64url, with an optional prefix. */
export function generateSecret(prefix = ""): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}
