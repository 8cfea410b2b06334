import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { z } from "zod";
import { formatBytes } from "../lib/format.ts";
import { ApiError } from "./http/api-error.ts";

/** Sidecar metadata stored next to an uploaded file. */
const uploadMetaSchema = z.object({
  fileName: z.string(),
  size: z.int().min(0),
  createdAt: z.string(),
  /** User who uploaded the file; null for the anonymous admin of MASKFILL_AUTH=off and for older uploads. */
  ownerId: z.string().nullable().default(null),
});
export type UploadMeta = z.infer<typeof uploadMetaSchema>;

/** Absolute path of an upload's data file; `id` must already be a validated UUID. */
export function uploadPath(dir: string, id: string): string {
  return join(resolve(dir), id);
}


/**
 * Streams a request body to `<dir>/<uuid>` and returns the new upload's id and size. The body is
 * never held in memory. It is written to a `.part` file that is renamed when complete. The file is
 * deleted when the body exceeds `maxBytes` (413), is empty or differs from `declaredBytes`
 * (the Content-Length, 400), or the client aborts. `ownerId` is stored in the metadata, so
 * that only its uploader (or an admin) can preview the upload or start a job from it.
 */
export async function saveUpload(
  body: ReadableStream<Uint8Array> | null,
  fileName: string,
  dir: string,
  maxBytes: number,
  declaredBytes?: number,
  ownerId: string | null = null,
): Promise<{ id: string; size: number }> {
  if (body === null) throw new ApiError(400, "empty_upload", "errors.emptyUpload", {}, { field: "body", retryable: false });
  await mkdir(resolve(dir), { recursive: true });
  const id = randomUUID();
  const target = uploadPath(dir, id);
  const partial = `${target}.part`;
  let size = 0;
  try {
    await pipeline(
      Readable.fromWeb(body as WebReadableStream<Uint8Array>),
      async function* limit(source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          size += chunk.byteLength;
          if (size > maxBytes) {
            throw new ApiError(413, "upload_too_large", "errors.uploadTooLarge", { limit: formatBytes(maxBytes, "en") }, { field: "body", retryable: false });
          }
          yield chunk;
        }
      },
      createWriteStream(partial, { flags: "wx" }),
    );
    if (size === 0) throw new ApiError(400, "empty_upload", "errors.emptyUpload", {}, { field: "body", retryable: false });
    if (declaredBytes !== undefined && size !== declaredBytes) {
      throw new ApiError(400, "upload_incomplete", "errors.uploadIncomplete", { received: size, declared: declaredBytes }, { field: "body", retryable: true });
    }
    await rename(partial, target);
    const meta: UploadMeta = { fileName, size, createdAt: new Date().toISOString(), ownerId };
    await writeFile(`${target}.json`, JSON.stringify(meta));
    return { id, size };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Reads an upload's metadata; throws a 404 ApiError when the upload does not exist. */
export async function readUploadMeta(dir: string, id: string): Promise<UploadMeta> {
  let text: string;
  try {
    text = await readFile(`${uploadPath(dir, id)}.json`, "utf8");
  } catch {
    throw new ApiError(404, "upload_not_found", "errors.uploadNotFound", { id }, { field: "uploadId", retryable: false });
  }
  return uploadMetaSchema.parse(JSON.parse(text));
}

/** Age after which an upload that never became a job is deleted: one day. */
export const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes files in the upload folder (data, metadata, `.part` and claimed files) last modified more than
 * `maxAgeMs` ago, so abandoned uploads do not fill the disk. Returns the names deleted.
 */
export async function pruneStaleUploads(dir: string, maxAgeMs: number = STALE_UPLOAD_MS, now: number = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(resolve(dir));
  } catch {
    return [];
  }
  const deleted: string[] = [];
  for (const name of names) {
    if (!/^[0-9a-f-]{36}(\.json|\.part|\.claimed-[0-9a-f-]{36})?$/.test(name)) continue;
    const path = join(resolve(dir), name);
    const info = await stat(path).catch(() => null);
    if (info === null || now - info.mtimeMs <= maxAgeMs) continue;
    await rm(path, { force: true });
    deleted.push(name);
  }
  return deleted;
}

/** An upload taken by one job submission: its data file was renamed to `path`, so no other request can read it. */
export interface UploadClaim {
  id: string;
  path: string;
}

/**
 * Claims an upload for one job submission by renaming its data file to a random name that
 * only this request holds. The rename is atomic, so of several concurrent requests for the same
 * upload exactly one succeeds, and the others get 409 `upload_claimed`. Call releaseUpload() when the job was
 * not created, so the upload can be used again, or removeUpload() once its rows are stored.
 */
export async function claimUpload(dir: string, id: string): Promise<UploadClaim> {
  const path = `${uploadPath(dir, id)}.claimed-${randomUUID()}`;
  try {
    await rename(uploadPath(dir, id), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new ApiError(409, "upload_claimed", "errors.uploadClaimed", { id }, { field: "uploadId", retryable: false, cause: error });
  }
  return { id, path };
}

/** Returns a claimed upload's data file to its usual name, so another submission can use it. */
export async function releaseUpload(dir: string, claim: UploadClaim): Promise<void> {
  await rename(claim.path, uploadPath(dir, claim.id));
}

/** Deletes an upload and its metadata; a missing file is not an error. */
export async function removeUpload(dir: string, id: string, claim?: UploadClaim): Promise<void> {
  if (claim !== undefined) await rm(claim.path, { force: true });
  await rm(uploadPath(dir, id), { force: true });
  await rm(`${uploadPath(dir, id)}.json`, { force: true });
}
