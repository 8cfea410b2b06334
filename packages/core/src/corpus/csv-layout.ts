import { CorpusFileError } from "./errors.ts";

/** Header names that mark the text column when no column is chosen. */
const TEXT_COLUMN_NAMES = ["text", "sentence"];

const NUMBER = /^[-+]?(\d+([.,]\d+)?|[.,]\d+)$/;
const SENTENCE_END = /[.!?。！？]$/;

/** Tests whether a field reads like a column name: short, at most 4 words, not a number or a sentence. */
function looksLikeName(field: string): boolean {
  const value = field.trim();
  return (
    value.length > 0 &&
    value.length <= 64 &&
    value.split(/\s+/).length <= 4 &&
    !NUMBER.test(value) &&
    !SENTENCE_END.test(value)
  );
}

/** Shape of a CSV file once the header question is settled. */
export interface CsvLayout {
  /** Header names, or null when the file has no header. */
  header: string[] | null;
  /** Whether the header was guessed (header "auto") rather than set by the caller. */
  headerGuessed: boolean;
  /** Columns per record, from the header or the first record. */
  columnCount: number;
  /** 0-based index of the text column. */
  column: number;
}

/**
 * Guesses whether `first` is a header, from the first two records. Every field of `first` must
 * read like a distinct column name. Then it is a header when one of them is "text" or "sentence",
 * or when some field of `second` does not read like a name. Without a second record it is data.
 */
export function guessHeader(first: string[], second: string[] | null): boolean {
  const names = first.map((field) => field.trim().toLowerCase());
  if (!first.every(looksLikeName) || new Set(names).size !== names.length) {
    return false;
  }
  if (names.some((name) => TEXT_COLUMN_NAMES.includes(name))) {
    return true;
  }
  return second !== null && !second.every(looksLikeName);
}

/** Lists header names for a message, quoted, with the count of any past the first 20. */
export function describeHeader(header: string[]): string {
  const listed = header.slice(0, 20).map((name) => JSON.stringify(name));
  return header.length > 20 ? `${listed.join(", ")} and ${header.length - 20} more` : listed.join(", ");
}

function findColumn(header: string[], name: string): number {
  const exact = header.indexOf(name);
  if (exact !== -1) {
    return exact;
  }
  const expected = name.trim().toLowerCase();
  return header.findIndex((candidate) => candidate.trim().toLowerCase() === expected);
}

function checkIndex(column: number, columnCount: number, lineNumber: number): void {
  if (column >= columnCount) {
    throw new CorpusFileError(
      "column_out_of_range",
      { column, columnCount, lineNumber },
      `column ${column} is out of range: the record on line ${lineNumber} has ${columnCount} column${columnCount === 1 ? "" : "s"} (0-based indexes 0 to ${columnCount - 1}); pass a smaller index.`,
    );
  }
}

/**
 * Builds the layout of a file whose first record is the header `header`. Throws CorpusFileError
 * when `column` names no header field or indexes past the last one.
 */
export function layoutFromHeader(
  header: string[],
  column: string | number | undefined,
  headerGuessed: boolean,
  lineNumber: number,
): CsvLayout {
  let index: number;
  if (typeof column === "string") {
    index = findColumn(header, column);
    if (index === -1) {
      throw new CorpusFileError(
        "column_not_found",
        { column, header, lineNumber },
        `column "${column}" is not in the header on line ${lineNumber} (${describeHeader(header)}); pass one of these names or a 0-based index.`,
      );
    }
  } else if (typeof column === "number") {
    checkIndex(column, header.length, lineNumber);
    index = column;
  } else {
    index = Math.max(0, header.findIndex((name) => TEXT_COLUMN_NAMES.includes(name.trim().toLowerCase())));
  }
  return { header, headerGuessed, columnCount: header.length, column: index };
}

/** Builds the layout of a file without a header from its first record. */
export function layoutFromFirstRecord(
  fields: string[],
  column: number | undefined,
  headerGuessed: boolean,
  lineNumber: number,
): CsvLayout {
  const index = column ?? 0;
  checkIndex(index, fields.length, lineNumber);
  return { header: null, headerGuessed, columnCount: fields.length, column: index };
}
