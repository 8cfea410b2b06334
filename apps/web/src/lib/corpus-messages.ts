import type { CorpusFileProblem, LocatedRowProblem } from "@maskfill/core/corpus";
import type { Translator } from "../i18n/translate.ts";

// Messages of the corpus parser's row and file errors in the dashboard's language, built from
// each error's code and params. The parser's own messages are English and tell the reader to
// raise limits, which API callers cannot set, so these messages point to the operator instead.

/** Keys of a missing_field message before the list is cut short, as in the parser's message. */
const MAX_KEYS = 10;

/** Header names of a column_not_found or header_only message before the list is cut short. */
const MAX_HEADER_NAMES = 20;

/** Quotes each value and joins the first `max` of them, with the count of the rest. */
function quotedList(t: Translator, values: string[], max: number): string {
  const listed = values.slice(0, max).map((value) => t("corpusErrors.parts.quoted", { value }));
  const list = listed.join(t("corpusErrors.parts.listSeparator"));
  return values.length > max ? t("corpusErrors.parts.listMore", { list, count: values.length - max }) : list;
}

/** Names the file at the start of a sentence: "The file" or "The file "name.csv"". */
function fileSubject(t: Translator, fileName: string | null): string {
  return fileName === null ? t("corpusErrors.parts.file") : t("corpusErrors.parts.namedFile", { name: fileName });
}

/**
 * Writes a row error of the corpus parser in the translator's language. The message does not
 * repeat the line number, because the preview and the results tables show it next to the message.
 */
export function describeCorpusRowError(t: Translator, error: LocatedRowProblem): string {
  switch (error.code) {
    case "invalid_utf8":
    case "empty_text":
    case "unterminated_quote":
      return t(`corpusErrors.rows.${error.code}`);
    case "line_too_long":
      return error.params.unit === "record"
        ? t("corpusErrors.rowVariants.recordTooLong", { limit: error.params.limit })
        : t("corpusErrors.rows.line_too_long", { limit: error.params.limit });
    case "control_character":
    case "invalid_unicode":
    case "too_many_columns":
    case "too_many_rows":
    case "too_many_errors":
    case "invalid_json":
      return t(`corpusErrors.rows.${error.code}`, error.params);
    case "not_an_object":
    case "invalid_field_type":
      return t(`corpusErrors.rows.${error.code}`, { field: error.params.field, type: t(`corpusErrors.jsonTypes.${error.params.type}`) });
    case "missing_field": {
      const { keys } = error.params;
      const listed = keys.length === 0 ? t("corpusErrors.parts.noKeys") : t("corpusErrors.parts.keys", { keys: quotedList(t, keys, MAX_KEYS) });
      return t("corpusErrors.rows.missing_field", { field: error.params.field, keys: listed });
    }
    case "invalid_csv":
      return error.params.endLine > error.lineNumber
        ? t("corpusErrors.rowVariants.invalidCsvLines", { line: error.lineNumber, endLine: error.params.endLine, detail: error.params.detail })
        : t("corpusErrors.rows.invalid_csv", { detail: error.params.detail });
    case "column_count": {
      const { expected, actual } = error.params;
      return error.params.expectedFrom === "header"
        ? t("corpusErrors.rows.column_count", { expected, actual })
        : t("corpusErrors.rowVariants.columnCountFirstRecord", { expected, actual });
    }
  }
}

/** Writes a file error of the corpus parser (a CorpusFileError) in the translator's language. */
export function describeCorpusFileError(t: Translator, problem: CorpusFileProblem): string {
  switch (problem.code) {
    case "binary_file": {
      const { params } = problem;
      const file = fileSubject(t, params.fileName);
      if (params.reason === "nul_bytes") {
        return t("corpusErrors.fileVariants.binaryNulBytes", { file, bytes: params.sampleBytes, count: params.nulBytes });
      }
      return t("corpusErrors.files.binary_file", { file, kind: t(`corpusErrors.binaryKinds.${params.signature}`) });
    }
    case "column_not_found": {
      const { column, header, lineNumber } = problem.params;
      return t("corpusErrors.files.column_not_found", { column, line: lineNumber, header: quotedList(t, header, MAX_HEADER_NAMES) });
    }
    case "column_out_of_range": {
      const { column, columnCount, lineNumber } = problem.params;
      return t("corpusErrors.files.column_out_of_range", { column, line: lineNumber, count: columnCount, last: columnCount - 1 });
    }
    case "invalid_header": {
      const { rowError } = problem.params;
      return t("corpusErrors.files.invalid_header", { line: rowError.lineNumber, reason: describeCorpusRowError(t, rowError) });
    }
    case "header_only":
      return t("corpusErrors.files.header_only", {
        file: fileSubject(t, problem.params.fileName),
        header: quotedList(t, problem.params.header, MAX_HEADER_NAMES),
      });
    case "empty_corpus": {
      const file = fileSubject(t, problem.params.fileName);
      const { blankLines } = problem.params;
      return blankLines === 0 ? t("corpusErrors.fileVariants.emptyFile", { file }) : t("corpusErrors.files.empty_corpus", { file, count: blankLines });
    }
    case "unknown_format": {
      const { fileName, extension } = problem.params;
      const accepted = problem.params.accepted.join(t("corpusErrors.parts.listSeparator"));
      return extension === null
        ? t("corpusErrors.fileVariants.noExtension", { name: fileName, accepted })
        : t("corpusErrors.files.unknown_format", { name: fileName, extension, accepted });
    }
  }
}

/**
 * Writes a row error stored on a job item in the translator's language when its code alone is
 * enough, and returns the stored English message otherwise. Items keep the code and message but
 * not the params, so only codes whose message uses no value besides the line number translate.
 */
export function describeStoredRowError(t: Translator, code: string | null, message: string): string {
  if (code === "invalid_utf8" || code === "empty_text" || code === "unterminated_quote") {
    return t(`corpusErrors.rows.${code}`);
  }
  return message;
}
