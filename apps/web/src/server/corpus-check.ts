import { createReadStream } from "node:fs";
import { previewCorpus, type CorpusOptions } from "@maskfill/core/corpus";
import { CorpusUnreadableError } from "./http/corpus-unreadable.ts";

/** Request field to blame for each file-level corpus error code; other codes blame the upload. */
const FIELD_OF_CODE: Record<string, string> = {
  column_not_found: "corpus.column",
  column_out_of_range: "corpus.column",
  unknown_format: "corpus.format",
};

/**
 * Reads the start of a corpus file and throws a 422 `corpus_unreadable` ApiError when the parser
 * rejects the file as a whole (binary data, an unknown CSV column), naming the request field to
 * fix. The parser raises these errors before its first row, so checking before a job is created
 * keeps such a file from leaving a failed job with no items.
 */
export async function assertCorpusReadable(path: string, options: CorpusOptions): Promise<void> {
  const input = createReadStream(path);
  try {
    const preview = await previewCorpus(input, options, { maxRows: 1 });
    if (preview.fileError === null) return;
    const field = FIELD_OF_CODE[preview.fileError.code] ?? "uploadId";
    throw new CorpusUnreadableError(preview.fileError, { field });
  } finally {
    input.destroy();
  }
}
