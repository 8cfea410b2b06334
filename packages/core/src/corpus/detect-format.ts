import { extname } from "node:path";
import { CorpusFileError } from "./errors.ts";
import type { CorpusFormat } from "./options.ts";

/** Corpus format of each accepted file extension (lower case, with the dot). */
export const CORPUS_EXTENSIONS: Readonly<Record<string, CorpusFormat>> = {
  ".txt": "txt",
  ".text": "txt",
  ".jsonl": "jsonl",
  ".ndjson": "jsonl",
  ".csv": "csv",
};

/**
 * Returns the corpus format of a file name from its extension (case-insensitive). Throws
 * CorpusFileError "unknown_format" naming the file and the accepted extensions.
 */
export function detectFormat(fileName: string): CorpusFormat {
  const extension = extname(fileName).toLowerCase();
  const format = CORPUS_EXTENSIONS[extension];
  if (format === undefined) {
    const accepted = Object.keys(CORPUS_EXTENSIONS).join(", ");
    const found = extension === "" ? "has no extension" : `has the extension "${extension}"`;
    throw new CorpusFileError(
      "unknown_format",
      { fileName, extension: extension === "" ? null : extension, accepted: Object.keys(CORPUS_EXTENSIONS) },
      `"${fileName}" ${found}, which is not a corpus format; rename it to one of ${accepted}, or pass the format explicitly.`,
    );
  }
  return format;
}
