import { ApiError } from "../../../server/http/api-error.ts";
import { mediaTypeOf, readQuery } from "../../../server/http/read-body.ts";
import { json, otherMethods, route } from "../../../server/http/route.ts";
import { enforceSubmissionRate, ownerIdOf, requireRole } from "../../../server/auth/index.ts";
import { pruneStaleUploads, saveUpload } from "../../../server/uploads.ts";
import { logger } from "../../../server/logger.ts";
import { webEnv } from "../../../env.ts";
import { formatBytes } from "../../../lib/format.ts";
import { CORPUS_FORMATS, uploadNameSchema } from "../../../lib/schemas.ts";
import type { UploadView } from "../../../lib/api-types.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * POST /api/uploads?name=FILE: stores the raw request body as an uploaded corpus, streaming it to
 * MASKFILL_UPLOAD_DIR. Rejects a declared or actual size over MASKFILL_UPLOAD_MAX_BYTES with 413.
 */
export const POST = route(async (request) => {
  const principal = await requireRole(request, "operator");
  await enforceSubmissionRate(request, principal);
  const { name } = readQuery(request, uploadNameSchema, ["name"]);
  const mediaType = mediaTypeOf(request);
  if (mediaType === "multipart/form-data") {
    throw new ApiError(415, "unsupported_media_type", "errors.uploadMultipart", {}, { field: "content-type", retryable: false });
  }
  const env = webEnv();
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > env.uploadMaxBytes) {
    throw new ApiError(413, "upload_too_large", "errors.uploadTooLarge", { limit: formatBytes(env.uploadMaxBytes, "en") }, { field: "body", retryable: false });
  }
  const { id, size } = await saveUpload(request.body, name, env.uploadDir, env.uploadMaxBytes, Number.isFinite(declared) && declared > 0 ? declared : undefined, ownerIdOf(principal));
  void pruneStaleUploads(env.uploadDir).then(
    (deleted) => deleted.length > 0 && logger.info({ files: deleted.length }, "Deleted uploads older than a day that never became a job"),
    (error: unknown) => logger.warn({ err: error }, "Failed to delete stale uploads"),
  );
  const format = CORPUS_FORMATS.find((candidate) => name.toLowerCase().endsWith(`.${candidate}`)) ?? "txt";
  logger.info({ uploadId: id, size, format }, "Corpus uploaded");
  const body: UploadView = { uploadId: id, fileName: name, size, format };
  return json(body, 201);
});

export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ POST });
