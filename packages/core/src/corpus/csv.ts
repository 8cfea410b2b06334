import { CsvError, parse } from "csv-parse/sync";
import { describeHeader, layoutFromFirstRecord, layoutFromHeader, guessHeader, type CsvLayout } from "./csv-layout.ts";
import { CsvRecordAssembler, type CsvRecord } from "./csv-record-assembler.ts";
import { CorpusFileError } from "./errors.ts";
import type { CorpusErrorEvent, FormatEvent } from "./events.ts";
import type { SourceLine } from "./line-splitter.ts";
import type { CorpusObserver } from "./observer.ts";
import type { ResolvedCorpusOptions } from "./options.ts";

type ParsedRecord = { ok: true; fields: string[] } | { ok: false; error: CorpusErrorEvent };

function parseFields(record: CsvRecord, delimiter: string): ParsedRecord {
  const lineNumber = record.startLine;
  if (record.problem !== null) {
    return { ok: false, error: { type: "error", lineNumber, ...record.problem } };
  }
  if (!record.text.includes('"')) {
    // Without quotes a CSV record is its fields joined by the delimiter, so csv-parse is not needed.
    return { ok: true, fields: record.text.split(delimiter) };
  }
  try {
    const rows = parse(record.text, {
      delimiter,
      record_delimiter: "\n",
      relax_column_count: true,
      skip_empty_lines: false,
      bom: false,
    }) as string[][];
    return { ok: true, fields: rows[0] ?? [""] };
  } catch (error) {
    if (!(error instanceof CsvError)) {
      throw error;
    }
    const detail = error.message.replace(/ at line \d+/, "");
    const lines = record.endLine > record.startLine ? `lines ${record.startLine} to ${record.endLine}` : `line ${lineNumber}`;
    return {
      ok: false,
      error: {
        type: "error",
        lineNumber,
        code: "invalid_csv",
        params: { detail, endLine: record.endLine },
        message: `The record on ${lines} is not valid CSV (${detail}), so it was skipped; quote fields that contain quotes or delimiters and double the quotes inside them.`,
      },
    };
  }
}

function isBlank(fields: string[]): boolean {
  return fields.every((field) => field.trim() === "");
}

/**
 * Turns each record of a CSV corpus into one row with the text column. `options.header` decides
 * whether the first record is read as the header, read as data or guessed. Records whose column
 * count differs from the header (or the first record) become error events.
 */
export async function* parseCsv(
  lines: AsyncIterable<SourceLine>,
  options: ResolvedCorpusOptions,
  observer: CorpusObserver,
): AsyncGenerator<FormatEvent> {
  const { delimiter, column, limits } = options;
  const header = typeof column === "string" ? true : options.header;
  const assembler = new CsvRecordAssembler(delimiter, limits.maxLineLength, limits.maxColumns);
  let layout: CsvLayout | null = null;
  let candidate: { lineNumber: number; fields: string[] } | null = null;
  let lastLine = 0;
  /** Records after the layout is settled that are not blank: rows, and records that failed. */
  let dataRecords = 0;

  const settle = (build: () => CsvLayout, headerNames: string[] | null, columnCount: number): CsvLayout => {
    try {
      const settled = build();
      observer.onCsvLayout?.(settled);
      return settled;
    } catch (error) {
      if (error instanceof CorpusFileError) {
        observer.onCsvLayout?.({ header: headerNames, headerGuessed: header === "auto", columnCount, column: null });
      }
      throw error;
    }
  };

  function* emit(fields: string[], lineNumber: number, current: CsvLayout): Generator<FormatEvent> {
    if (isBlank(fields)) {
      yield { type: "skipped", lineNumber, reason: "blank" };
      return;
    }
    dataRecords += 1;
    if (fields.length !== current.columnCount) {
      const source = current.header === null ? "the first record" : "the header";
      yield {
        type: "error",
        lineNumber,
        code: "column_count",
        params: { expected: current.columnCount, actual: fields.length, expectedFrom: current.header === null ? "first_record" : "header" },
        message: `The record on line ${lineNumber} has ${fields.length} column${fields.length === 1 ? "" : "s"}, but ${source} has ${current.columnCount}, so it was skipped; check for an unquoted delimiter.`,
      };
    } else {
      yield { type: "row", lineNumber, text: fields[current.column] ?? "" };
    }
  }

  function* handle(record: CsvRecord): Generator<FormatEvent> {
    const lineNumber = record.startLine;
    const parsed = parseFields(record, delimiter);
    if (!parsed.ok) {
      if (header === true && layout === null) {
        const { type: _type, ...rowError } = parsed.error;
        throw new CorpusFileError("invalid_header", { rowError }, `The header could not be read: ${parsed.error.message}`);
      }
      dataRecords += 1;
      yield parsed.error;
      return;
    }
    const { fields } = parsed;
    if (layout !== null) {
      yield* emit(fields, lineNumber, layout);
      return;
    }
    if (isBlank(fields)) {
      yield { type: "skipped", lineNumber, reason: "blank" };
      return;
    }

    if (header === true) {
      layout = settle(() => layoutFromHeader(fields, column, false, lineNumber), fields, fields.length);
    } else if (header === false) {
      const index = column as number | undefined;
      layout = settle(() => layoutFromFirstRecord(fields, index, false, lineNumber), null, fields.length);
      yield* emit(fields, lineNumber, layout);
    } else if (candidate === null) {
      // header "auto": keep the first record until the second one shows whether it is a header.
      candidate = { lineNumber, fields };
    } else {
      const settled = yield* settleCandidate(fields);
      yield* emit(fields, lineNumber, settled);
    }
  }

  /** Decides whether the kept first record is the header, emits it when it is data, and returns the layout. */
  function* settleCandidate(second: string[] | null): Generator<FormatEvent, CsvLayout> {
    const first = candidate;
    if (first === null) {
      throw new Error("settleCandidate called without a first record");
    }
    candidate = null;
    const index = column as number | undefined;
    if (guessHeader(first.fields, second)) {
      layout = settle(() => layoutFromHeader(first.fields, index, true, first.lineNumber), first.fields, first.fields.length);
    } else {
      layout = settle(() => layoutFromFirstRecord(first.fields, index, true, first.lineNumber), null, first.fields.length);
      yield* emit(first.fields, first.lineNumber, layout);
    }
    return layout;
  }

  for await (const line of lines) {
    lastLine = line.lineNumber;
    const record = assembler.push(line);
    if (record !== null) {
      yield* handle(record);
    }
  }
  const last = assembler.end(lastLine);
  if (last !== null) {
    yield* handle(last);
  }
  if (candidate !== null) {
    yield* settleCandidate(null);
  }
  // handle() sets the layout, which TypeScript's narrowing does not follow, so the type is widened here.
  const settled = layout as CsvLayout | null;
  if (settled?.header != null && dataRecords === 0) {
    throw headerOnlyError(settled.header, options.fileName);
  }
}

/** Builds the error for a CSV file that has a header and no row, which would make a job with nothing to run. */
function headerOnlyError(header: string[], fileName: string | undefined): CorpusFileError {
  const file = fileName === undefined ? "The CSV file" : `The CSV file ${JSON.stringify(fileName)}`;
  return new CorpusFileError(
    "header_only",
    { fileName: fileName ?? null, header },
    `${file} has a header (${describeHeader(header)}) but no rows; add rows below the header, or set header to false if the first line is a row.`,
  );
}
