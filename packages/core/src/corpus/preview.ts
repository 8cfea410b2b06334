import type { CorpusFileProblem } from "./error-params.ts";
import { CorpusFileError, CorpusOptionsError } from "./errors.ts";
import type { CorpusErrorEvent, CorpusRowEvent } from "./events.ts";
import type { CsvLayoutInfo } from "./observer.ts";
import { resolveCorpusOptions, type CorpusFormat, type CorpusOptions } from "./options.ts";
import { runCorpusParse } from "./parse.ts";
import type { CorpusInput } from "./read-lines.ts";

/** How much of the file a preview reads. */
export interface PreviewLimits {
  /** Rows to collect; default 20. */
  maxRows?: number;
  /** Source lines to read at most, so a file of errors or blank lines ends the preview; default 1,000. */
  maxLines?: number;
}

/** The start of a corpus, for the upload page: rows, problems and the choices the file offers. */
export interface CorpusPreview {
  format: CorpusFormat;
  rows: CorpusRowEvent[];
  /** Row errors among the lines read (at most maxRows of them), each with its code and params. */
  errors: CorpusErrorEvent[];
  blankLines: number;
  /** Whether the whole file was read. */
  complete: boolean;
  /** CSV: header names, column count and text column; null for other formats or an empty file. */
  csv: CsvLayoutInfo | null;
  /** JSONL: top-level keys of the objects read, in order of first appearance; null for other formats. */
  fields: string[] | null;
  /** File-level problem that stops the parse (binary file, unknown column) with its code and params, or null. */
  fileError: CorpusFileProblem | null;
}

/**
 * Reads the first rows of a corpus and what the upload page needs to offer choices: CSV header
 * names (also when the requested column is missing) and JSONL keys. Stops reading the input once
 * `maxRows` rows or `maxLines` lines are read. Throws CorpusOptionsError for invalid options or limits;
 * file-level problems are returned in `fileError`.
 */
export async function previewCorpus(
  input: CorpusInput,
  options: CorpusOptions,
  limits: PreviewLimits = {},
): Promise<CorpusPreview> {
  const resolved = resolveCorpusOptions(options);
  const maxRows = limits.maxRows ?? 20;
  const maxLines = limits.maxLines ?? 1_000;
  if (!Number.isSafeInteger(maxRows) || maxRows < 1) {
    throw new CorpusOptionsError(`Preview maxRows must be a positive integer, got ${maxRows}.`);
  }
  if (!Number.isSafeInteger(maxLines) || maxLines < 1) {
    throw new CorpusOptionsError(`Preview maxLines must be a positive integer, got ${maxLines}.`);
  }
  const fieldSet = new Set<string>();
  const preview: CorpusPreview = {
    format: resolved.format,
    rows: [],
    errors: [],
    blankLines: 0,
    complete: false,
    csv: null,
    fields: resolved.format === "jsonl" ? [] : null,
    fileError: null,
  };

  const observer = {
    onCsvLayout: (layout: CsvLayoutInfo) => {
      preview.csv = layout;
    },
    onJsonKeys: (keys: string[]) => {
      for (const key of keys) {
        fieldSet.add(key);
      }
    },
  };

  try {
    for await (const event of runCorpusParse(input, resolved, observer)) {
      if (event.type === "end") {
        preview.complete = event.summary.stoppedBy === null;
        break;
      }
      if (event.type === "row") {
        preview.rows.push(event);
      } else if (event.type === "skipped") {
        preview.blankLines += 1;
      } else if (preview.errors.length < maxRows) {
        preview.errors.push(event);
      }
      if (preview.rows.length >= maxRows || event.lineNumber >= maxLines) {
        break;
      }
    }
  } catch (error) {
    if (!(error instanceof CorpusFileError)) {
      throw error;
    }
    preview.fileError = error.toProblem();
  }

  if (preview.fields !== null) {
    preview.fields = [...fieldSet];
  }
  return preview;
}
