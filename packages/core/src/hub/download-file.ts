import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import type { Hash } from "node:crypto";
import { createChecksumHash } from "./checksum.ts";
import { HubIntegrityError, HubRequestError } from "./errors.ts";
import { describeNetworkError, type HubHttp } from "./hub-http.ts";
import type { RemoteFile } from "./remote-file.ts";
import { withRetries, type RetryPolicy } from "./retry.ts";

/** Bytes received so far for one file, counting bytes resumed from an earlier run. */
export interface DownloadProgress {
  path: string;
  receivedBytes: number;
  totalBytes: number;
}

/** Retry policy (each retry resumes from the partial file), stall timeout and progress callback. */
export interface DownloadFileOptions extends RetryPolicy {
  /** Abort an attempt when no bytes arrive for this many milliseconds. */
  stallTimeoutMs: number;
  onProgress?: (progress: DownloadProgress) => void;
}

/** Way a file came to be on disk: a full download, a resumed one, or a kept local copy. */
export type DownloadOutcome = "downloaded" | "resumed" | "already_present";

async function sizeOf(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return null;
    }
    throw error;
  }
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
  }
}

function newHash(file: RemoteFile): Hash | null {
  return file.checksum === null ? null : createChecksumHash(file.checksum.algorithm, file.size);
}

/** Checks whether `path` already contains the remote file: same size, and same checksum when known. */
async function isPresent(path: string, file: RemoteFile): Promise<boolean> {
  if ((await sizeOf(path)) !== file.size) {
    return false;
  }
  const hash = newHash(file);
  if (hash === null || file.checksum === null) {
    return true;
  }
  await hashFile(path, hash);
  return hash.digest("hex") === file.checksum.hex;
}

interface TransferResult {
  /** Hex digest of the whole file, or null when the Hub reported no checksum. */
  digest: string | null;
  /** Bytes kept from an earlier partial download. */
  resumedFrom: number;
}

/**
 * Downloads the rest of `file` into `partPath`, resuming with an HTTP Range request when a partial
 * file exists. Throws a retryable HubRequestError when the transfer stops early; the bytes written
 * so far stay in `partPath` for the next attempt.
 */
async function transfer(http: HubHttp, file: RemoteFile, partPath: string, options: DownloadFileOptions): Promise<TransferResult> {
  const partSize = await sizeOf(partPath);
  let offset = partSize ?? 0;
  if (offset > file.size) {
    await rm(partPath, { force: true });
    offset = 0;
  }
  const hash = newHash(file);
  if (partSize !== null && offset === file.size) {
    if (hash !== null) {
      await hashFile(partPath, hash);
    }
    return { digest: hash?.digest("hex") ?? null, resumedFrom: offset };
  }

  const controller = new AbortController();
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  const response = await http.send({ method: "GET", url: file.url, headers, signal: controller.signal });
  if (offset > 0 && response.status !== 206) {
    // The server ignored the range and sends the whole file, so start over.
    offset = 0;
  } else if (response.status === 206) {
    const contentRange = response.headers.get("content-range") ?? "";
    if (!contentRange.startsWith(`bytes ${offset}-`)) {
      await response.body?.cancel();
      await rm(partPath, { force: true });
      throw new HubRequestError(
        `GET ${file.url} returned Content-Range ${JSON.stringify(contentRange)} for the range request bytes=${offset}-; the partial file was deleted, so the next attempt starts over.`,
        206,
        true,
      );
    }
  }
  if (response.body === null) {
    throw new HubRequestError(`GET ${file.url} returned no body.`, response.status, true);
  }
  if (offset > 0 && hash !== null) {
    await hashFile(partPath, hash);
  }

  const output = createWriteStream(partPath, { flags: offset > 0 ? "a" : "w" });
  let received = offset;
  let stalled = false;
  let stallTimer = setTimeout(() => {
    stalled = true;
    controller.abort();
  }, options.stallTimeoutMs);
  try {
    const reader = response.body.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      const chunk = next.value;
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => {
        stalled = true;
        controller.abort();
      }, options.stallTimeoutMs);
      hash?.update(chunk);
      if (!output.write(chunk)) {
        await once(output, "drain");
      }
      received += chunk.length;
      options.onProgress?.({ path: file.path, receivedBytes: received, totalBytes: file.size });
    }
  } catch (error) {
    const reason = stalled ? `no data for ${options.stallTimeoutMs} ms` : describeNetworkError(error);
    throw new HubRequestError(
      `Download of ${file.path} was interrupted after ${received} of ${file.size} bytes (${reason}); run the command again to resume.`,
      null,
      true,
    );
  } finally {
    clearTimeout(stallTimer);
    output.end();
    await finished(output);
  }

  if (received < file.size) {
    throw new HubRequestError(
      `Download of ${file.path} ended after ${received} of ${file.size} bytes; run the command again to resume.`,
      null,
      true,
    );
  }
  return { digest: hash?.digest("hex") ?? null, resumedFrom: offset };
}

/**
 * Downloads one repository file to `destination` through `<destination>.part`, resuming a partial
 * file and retrying retryable failures. The file is renamed into place only after its size and
 * checksum match what the Hub reported. On a mismatch the partial file is deleted and
 * HubIntegrityError explains the difference. A matching file already at `destination` is kept.
 */
export async function downloadFile(
  http: HubHttp,
  file: RemoteFile,
  destination: string,
  options: DownloadFileOptions,
): Promise<DownloadOutcome> {
  await mkdir(dirname(destination), { recursive: true });
  if (await isPresent(destination, file)) {
    options.onProgress?.({ path: file.path, receivedBytes: file.size, totalBytes: file.size });
    return "already_present";
  }

  const partPath = `${destination}.part`;
  const result = await withRetries(options, { path: file.path }, () => transfer(http, file, partPath, options));

  const partSize = (await sizeOf(partPath)) ?? 0;
  if (partSize !== file.size) {
    await rm(partPath, { force: true });
    throw new HubIntegrityError(
      `${file.path} has ${partSize} bytes after the download, but the Hub reported ${file.size}; the partial file was deleted, so run the command again to download it anew.`,
    );
  }
  if (file.checksum !== null && result.digest !== file.checksum.hex) {
    await rm(partPath, { force: true });
    throw new HubIntegrityError(
      `${file.path} has ${file.checksum.algorithm} ${result.digest}, but the Hub reported ${file.checksum.hex} for it (in its ETag): the transfer was corrupted or the file changed on the Hub during the download. The partial file was deleted; run the command again to download it anew.`,
    );
  }

  await rename(partPath, destination);
  return result.resumedFrom > 0 ? "resumed" : "downloaded";
}
