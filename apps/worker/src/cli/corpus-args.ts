import { detectFormat, type CorpusFormat } from "@maskfill/core";
import { choiceOption, UsageError } from "./cli-options.ts";

/** Corpus options given on the command line; all optional. */
export interface CorpusArgValues {
  format?: string | undefined;
  field?: string | undefined;
  column?: string | undefined;
  header?: string | undefined;
}

/** Parser options of a corpus file as the CLI commands pass them on. */
export interface CorpusArgs {
  format: CorpusFormat;
  field?: string;
  column?: string | number;
  header?: boolean | "auto";
}

/**
 * Builds the parser options of a corpus file. The format comes from `--format`, else from the
 * file extension, and `--column` is an index when it is all digits, else a header name. Throws
 * UsageError for an invalid `--format` or `--header`, and CorpusFileError for an unknown extension.
 */
export function corpusArgs(values: CorpusArgValues, inputPath: string): CorpusArgs {
  const format = choiceOption<CorpusFormat>("format", values.format, ["txt", "jsonl", "csv"]) ?? detectFormat(inputPath);
  const header = choiceOption("header", values.header, ["true", "false", "auto"]);
  const column = values.column === undefined ? undefined : /^\d+$/.test(values.column) ? Number(values.column) : values.column;
  return {
    format,
    ...(values.field === undefined ? {} : { field: values.field }),
    ...(column === undefined ? {} : { column }),
    ...(header === undefined ? {} : { header: header === "auto" ? "auto" : header === "true" }),
  };
}

/**
 * Throws UsageError unless exactly one of texts on the command line and `--input FILE` is given.
 * `missingMessage` is the command's example for the case where neither is given.
 */
export function requireTextsOrInput(inputPath: string | undefined, textCount: number, missingMessage: string): void {
  if (inputPath === undefined && textCount === 0) {
    throw new UsageError(missingMessage);
  }
  if (inputPath !== undefined && textCount > 0) {
    throw new UsageError("give either texts or --input FILE, not both.");
  }
}
