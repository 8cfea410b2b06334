import type { CorpusRowProblem } from "./error-params.ts";
import type { SourceLine } from "./line-splitter.ts";

/** A CSV record: one line, or several when a quoted field contains line breaks. */
export interface CsvRecord {
  /** Line where the record starts. */
  startLine: number;
  endLine: number;
  /**
   * Record text with the line breaks between its lines: "\n" where the file has "\n" or "\r\n",
   * "\r" where it has a lone "\r". Empty when `problem` is set.
   */
  text: string;
  /** Fields counted while scanning (delimiters outside quotes plus one). */
  fieldCount: number;
  problem: CsvRecordProblem | null;
}

/** Problem that makes a CSV record unusable. */
export type CsvRecordProblem = CorpusRowProblem<"invalid_utf8" | "line_too_long" | "too_many_columns" | "unterminated_quote">;

const QUOTE = 0x22;

/**
 * Groups source lines into CSV records by tracking RFC 4180 quotes: a quote opens a field only at
 * the field's start, "" inside quotes is an escaped quote, and a line break inside quotes continues
 * the record. Memory stays bounded: a record over `maxLength` characters or `maxColumns` fields
 * is reported and its text dropped while scanning goes on to its end.
 */
export class CsvRecordAssembler {
  readonly #delimiter: number;
  readonly #maxLength: number;
  readonly #maxColumns: number;
  /** Lines of the open record, with the line breaks between them. */
  #lines: string[] = [];
  #lastBreak = "\n";
  #length = 0;
  #startLine = 0;
  #inQuotes = false;
  #fieldStart = true;
  #fieldCount = 1;
  #problem: CsvRecordProblem | null = null;

  constructor(delimiter: string, maxLength: number, maxColumns: number) {
    this.#delimiter = delimiter.charCodeAt(0);
    this.#maxLength = maxLength;
    this.#maxColumns = maxColumns;
  }

  /** Adds a line; returns the record it completes, or null while a quoted field is still open. */
  push(line: SourceLine): CsvRecord | null {
    if (this.#lines.length === 0 && this.#problem === null) {
      this.#startLine = line.lineNumber;
    }

    if (line.problem?.code === "line_too_long") {
      // NOTE: the line's bytes were dropped, so its quotes are unknown. The record ends here, and a
      // quoted field that really spanned past this line makes the following lines parse as records.
      this.#fail(line.problem);
      this.#inQuotes = false;
      return this.#finish(line.lineNumber);
    }
    if (line.problem !== null) {
      this.#fail(line.problem);
    }

    this.#scan(line.text);
    this.#length += line.text.length + (this.#lines.length > 0 ? 1 : 0);
    if (this.#problem === null && this.#length > this.#maxLength) {
      this.#fail({
        code: "line_too_long",
        params: { limit: this.#maxLength, unit: "record" },
        message: `The record starting on line ${this.#startLine} is longer than limits.maxLineLength (${this.#maxLength} characters), so it was skipped; check for an unclosed quote or split the record.`,
      });
    }
    if (this.#problem === null) {
      if (this.#lines.length > 0) {
        this.#lines.push(this.#lastBreak);
      }
      this.#lines.push(line.text);
    }
    this.#lastBreak = line.lineBreak ?? "\n";

    return this.#inQuotes ? null : this.#finish(line.lineNumber);
  }

  /** Returns the open record at the end of the input, which always has an unclosed quote. */
  end(lastLine: number): CsvRecord | null {
    if (!this.#inQuotes) {
      return null;
    }
    this.#fail({
      code: "unterminated_quote",
      params: {},
      message: `The record starting on line ${this.#startLine} has a quoted field that is never closed, so it was skipped; add the closing double quote.`,
    });
    this.#inQuotes = false;
    return this.#finish(lastLine);
  }

  #scan(text: string): void {
    const delimiter = this.#delimiter;
    for (let index = 0; index < text.length; index += 1) {
      const unit = text.charCodeAt(index);
      if (this.#inQuotes) {
        if (unit === QUOTE) {
          if (text.charCodeAt(index + 1) === QUOTE) {
            index += 1;
          } else {
            this.#inQuotes = false;
          }
        }
      } else if (unit === QUOTE && this.#fieldStart) {
        this.#inQuotes = true;
        this.#fieldStart = false;
      } else if (unit === delimiter) {
        this.#fieldCount += 1;
        this.#fieldStart = true;
      } else {
        this.#fieldStart = false;
      }
    }

    if (this.#problem === null && this.#fieldCount > this.#maxColumns) {
      this.#fail({
        code: "too_many_columns",
        params: { limit: this.#maxColumns },
        message: `The record on line ${this.#startLine} has more than limits.maxColumns (${this.#maxColumns}) columns, so it was skipped; check the delimiter.`,
      });
    }
  }

  #fail(problem: CsvRecordProblem): void {
    if (this.#problem === null) {
      this.#problem = problem;
    }
    this.#lines = [];
  }

  #finish(endLine: number): CsvRecord {
    const record: CsvRecord = {
      startLine: this.#startLine,
      endLine,
      text: this.#problem === null ? this.#lines.join("") : "",
      fieldCount: this.#fieldCount,
      problem: this.#problem,
    };
    this.#lines = [];
    this.#length = 0;
    this.#fieldStart = true;
    this.#fieldCount = 1;
    this.#problem = null;
    return record;
  }
}
