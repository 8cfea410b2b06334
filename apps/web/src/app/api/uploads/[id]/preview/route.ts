import { createReadStream } from "node:fs";
import { previewCorpus } from "@maskfill/core/corpus";
import { readQuery } from "../../../../../server/http/read-body.ts";
import { json, otherMethods, route } from "../../../../../server/http/route.ts";
import { localeOfRequest } from "../../../../../i18n/server.ts";
import { translatorFor } from "../../../../../i18n/translate.ts";
import { describeCorpusFileError, describeCorpusRowError } from "../../../../../lib/corpus-messages.ts";
import { readOwnUploadMeta, requireRole } from "../../../../../server/auth/index.ts";
import { uploadPath } from "../../../../../server/uploads.ts";
import { toCorpusOptions } from "../../../../../server/corpus-options.ts";
import { webEnv } from "../../../../../env.ts";
import { previewQuerySchema, uploadParamsSchema } from "../../../../../lib/schemas.ts";
import type { PreviewView } from "../../../../../lib/api-types.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /api/uploads/:id/preview: the first rows of an upload as the corpus parser reads them with
 * the given settings, plus the CSV header or JSONL keys for the column or field picker. Row and
 * file errors keep the parser's code and params, and their messages are in the request's
 * language. Only the uploader and admins can read it; others get 404.
 */
export const GET = route(async (request, context: { params: Promise<{ id: string }> }) => {
  const principal = await requireRole(request, "operator");
  const id = uploadParamsSchema.parse(await context.params).id;
  const query = readQuery(request, previewQuerySchema);
  const env = webEnv();
  const meta = await readOwnUploadMeta(env.uploadDir, id, principal);
  const format = query.format ?? (meta.fileName.toLowerCase().endsWith(".csv") ? "csv" : meta.fileName.toLowerCase().endsWith(".jsonl") ? "jsonl" : "txt");
  const input = createReadStream(uploadPath(env.uploadDir, id));
  try {
    const preview = await previewCorpus(input, toCorpusOptions({ ...query, format }, meta.fileName), { maxRows: query.rows });
    const t = translatorFor(localeOfRequest(request));
    const errors = preview.errors.map(({ type: _type, ...error }) => ({ ...error, message: describeCorpusRowError(t, error) }));
    const { fileError } = preview;
    const body: PreviewView = {
      format: preview.format,
      rows: preview.rows.map((row) => ({ lineNumber: row.lineNumber, text: row.text })),
      errors,
      blankLines: preview.blankLines,
      columns: preview.csv?.header ?? (preview.csv === null ? (preview.fields ?? []) : Array.from({ length: preview.csv.columnCount }, (_, index) => String(index))),
      hasHeader: preview.csv === null ? null : preview.csv.header !== null,
      selectedColumn: preview.csv?.column ?? null,
      fileError: fileError === null ? null : { ...fileError, message: describeCorpusFileError(t, fileError) },
    };
    return json(body);
  } finally {
    input.destroy();
  }
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
