import { createHash, type Hash } from "node:crypto";

/** Checksum that the Hub reports for a file in its ETag. */
export interface ExpectedChecksum {
  /** "sha256" for LFS files; "git-sha1" (the git blob id) for files stored in git. */
  algorithm: "sha256" | "git-sha1";
  hex: string;
}

/**
 * Reads the checksum from an ETag value: 64 hex digits are the sha256 of an LFS file, 40 hex
 * digits the git blob id of a regular file. Returns null for any other ETag.
 */
export function parseEtagChecksum(etag: string | null): ExpectedChecksum | null {
  if (etag === null) {
    return null;
  }
  const value = etag.trim().replace(/^W\//, "").replace(/^"|"$/g, "").toLowerCase();
  if (/^[0-9a-f]{64}$/.test(value)) {
    return { algorithm: "sha256", hex: value };
  }
  if (/^[0-9a-f]{40}$/.test(value)) {
    return { algorithm: "git-sha1", hex: value };
  }
  return null;
}

/**
 * Creates the hash that matches `algorithm`. A git blob id is the sha1 of "blob <size>\0" followed
 * by the content, so the file size is hashed first.
 */
export function createChecksumHash(algorithm: ExpectedChecksum["algorithm"], size: number): Hash {
  if (algorithm === "sha256") {
    return createHash("sha256");
  }
  return createHash("sha1").update(`blob ${size}\0`);
}
