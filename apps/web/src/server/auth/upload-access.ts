import type { Principal } from "@maskfill/core/auth";
import { ApiError } from "../http/api-error.ts";
import { readUploadMeta, type UploadMeta } from "../uploads.ts";
import { ownerIdOf } from "./job-access.ts";

/**
 * Reads the metadata of an upload that the caller may use: admins may use every upload, other
 * users only their own. Throws the same 404 `upload_not_found` for another user's upload as for
 * a missing one, so an upload id does not reveal that the upload exists.
 */
export async function readOwnUploadMeta(dir: string, id: string, principal: Principal): Promise<UploadMeta> {
  const meta = await readUploadMeta(dir, id);
  if (principal.role === "admin" || meta.ownerId === ownerIdOf(principal)) return meta;
  throw new ApiError(404, "upload_not_found", "errors.uploadNotFound", { id }, { field: "uploadId", retryable: false });
}
