import type { CorpusOptions } from "@maskfill/core/corpus";
import type { CorpusSettings } from "../lib/schemas.ts";

/**
 * Converts the upload form's settings to parser options. Each option is passed only for the
 * format it applies to, because the parser rejects e.g. a `column` for a jsonl file. A column
 * made of digits is a 0-based index; anything else is a header name.
 */
export function toCorpusOptions(settings: CorpusSettings, fileName: string): CorpusOptions {
  const options: CorpusOptions = { format: settings.format, fileName };
  if (settings.format === "jsonl" && settings.field !== undefined) options.field = settings.field;
  if (settings.format === "csv") {
    options.header = settings.header === "auto" ? "auto" : settings.header === "true";
    if (settings.column !== undefined) options.column = /^\d+$/.test(settings.column) ? Number(settings.column) : settings.column;
  }
  return options;
}
