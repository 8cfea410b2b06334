import { describe, expect, it } from "vitest";
import {
  CorpusFileError,
  detectFormat,
  previewCorpus,
  type CorpusEvent,
  type CorpusFileProblem,
  type CorpusOptions,
} from "../../src/corpus/index.ts";
import { chunked, collect, toBytes } from "./helpers.ts";

/** Returns the code and params of every row error event, without the messages. */
function rowParams(events: CorpusEvent[]): unknown[] {
  return events.flatMap((event) => (event.type === "error" ? [{ lineNumber: event.lineNumber, code: event.code, params: event.params }] : []));
}

/** Parses `content` and returns the code and params of the CorpusFileError it throws. */
async function fileProblem(content: string | Uint8Array, options: CorpusOptions): Promise<Omit<CorpusFileProblem, "message">> {
  try {
    await collect(content, options);
  } catch (error) {
    if (error instanceof CorpusFileError) return { code: error.code, params: error.params } as Omit<CorpusFileProblem, "message">;
    throw error;
  }
  throw new Error("expected a CorpusFileError");
}

describe("row error params", () => {
  it("give txt line problems", async () => {
    const content = toBytes("ok\n");
    const bytes = new Uint8Array([...content, 0xff, 0x0a, ...toBytes(`${"x".repeat(11)}\nA\u001bB\n \n`)]);
    const events = await collect(bytes, { format: "txt", limits: { maxLineLength: 10 } });
    expect(rowParams(events)).toEqual([
      { lineNumber: 2, code: "invalid_utf8", params: {} },
      { lineNumber: 3, code: "line_too_long", params: { limit: 10, unit: "line" } },
      { lineNumber: 4, code: "control_character", params: { codePoint: "U+001B", position: 2 } },
    ]);
  });

  it("give jsonl problems", async () => {
    const content = [
      '{"text": "ok"}',
      "{oops",
      "[1]",
      '{"id": 1, "body": "x"}',
      '{"text": 5}',
      '{"text": "\\ud800"}',
      '{"text": "  "}',
    ].join("\n");
    const events = await collect(content, { format: "jsonl" });
    const rows = rowParams(events);
    expect(rows[0]).toMatchObject({ lineNumber: 2, code: "invalid_json" });
    expect(rows.slice(1)).toEqual([
      { lineNumber: 3, code: "not_an_object", params: { type: "array", field: "text" } },
      { lineNumber: 4, code: "missing_field", params: { field: "text", keys: ["id", "body"] } },
      { lineNumber: 5, code: "invalid_field_type", params: { field: "text", type: "number" } },
      { lineNumber: 6, code: "invalid_unicode", params: { codePoint: "U+D800", position: 1 } },
      { lineNumber: 7, code: "empty_text", params: {} },
    ]);
  });

  it("give the JSON syntax error as detail", async () => {
    const events = await collect('{"text": "ok"}\n{oops\n', { format: "jsonl" });
    const error = events.find((event) => event.type === "error");
    // V8's wording differs between Node versions, so the expected detail comes from JSON.parse itself.
    const expected = (() => {
      try {
        return JSON.parse("{oops") as never;
      } catch (syntaxError) {
        return (syntaxError as Error).message;
      }
    })();
    expect(expected).toMatch(/^Expected property name/);
    if (error?.type !== "error" || error.code !== "invalid_json") throw new Error(`expected invalid_json, got ${JSON.stringify(error)}`);
    expect(error.params.detail).toBe(expected);
  });

  it("give csv record problems", async () => {
    const content = 'text,label\nOne.,a\nTwo.,b,c\n"x"y,z\nd,e,f,g\n"open,q\n';
    const events = await collect(content, { format: "csv", limits: { maxColumns: 3 } });
    expect(rowParams(events)).toEqual([
      { lineNumber: 3, code: "column_count", params: { expected: 2, actual: 3, expectedFrom: "header" } },
      {
        lineNumber: 4,
        code: "invalid_csv",
        params: { detail: 'Invalid Closing Quote: got "y" instead of delimiter, record delimiter, trimable character (if activated) or comment', endLine: 4 },
      },
      { lineNumber: 5, code: "too_many_columns", params: { limit: 3 } },
      { lineNumber: 6, code: "unterminated_quote", params: {} },
    ]);
  });

  it("give a long csv record and a headerless count", async () => {
    const content = `a,b\n"${"y".repeat(6)}\n${"y".repeat(6)}",c\nd\n`;
    const events = await collect(content, { format: "csv", header: false, limits: { maxLineLength: 10 } });
    expect(rowParams(events)).toEqual([
      { lineNumber: 2, code: "line_too_long", params: { limit: 10, unit: "record" } },
      { lineNumber: 4, code: "column_count", params: { expected: 2, actual: 1, expectedFrom: "first_record" } },
    ]);
  });

  it("give the row and error limits", async () => {
    const rows = await collect("a\nb\nc\n", { format: "txt", limits: { maxRows: 2 } });
    expect(rowParams(rows)).toEqual([{ lineNumber: 3, code: "too_many_rows", params: { limit: 2 } }]);
    const errors = await collect("{}\n{}\n{}\n", { format: "jsonl", limits: { maxErrors: 2 } });
    expect(rowParams(errors).at(-1)).toEqual({ lineNumber: 3, code: "too_many_errors", params: { limit: 2 } });
  });
});

describe("file error params", () => {
  it("give a binary signature", async () => {
    const problem = await fileProblem(new Uint8Array([0xff, 0xfe, 0x41, 0x00]), { format: "txt", fileName: "notes.txt" });
    expect(problem).toEqual({ code: "binary_file", params: { fileName: "notes.txt", reason: "signature", signature: "utf16le" } });
  });

  it("give a NUL byte count", async () => {
    const problem = await fileProblem(new Uint8Array(12), { format: "txt" });
    expect(problem).toEqual({ code: "binary_file", params: { fileName: null, reason: "nul_bytes", nulBytes: 12, sampleBytes: 12 } });
  });

  it("give a missing column and its header", async () => {
    const problem = await fileProblem("id,body\n1,One.\n", { format: "csv", column: "nope" });
    expect(problem).toEqual({ code: "column_not_found", params: { column: "nope", header: ["id", "body"], lineNumber: 1 } });
  });

  it("give a column index out of range", async () => {
    const problem = await fileProblem("One.\nTwo.\n", { format: "csv", header: false, column: 3 });
    expect(problem).toEqual({ code: "column_out_of_range", params: { column: 3, columnCount: 1, lineNumber: 1 } });
  });

  it("give the row error of an unreadable header", async () => {
    const problem = await fileProblem('"id,text\n', { format: "csv", header: true });
    expect(problem.code).toBe("invalid_header");
    expect(problem.params).toEqual({
      rowError: {
        lineNumber: 1,
        code: "unterminated_quote",
        params: {},
        message: "The record starting on line 1 has a quoted field that is never closed, so it was skipped; add the closing double quote.",
      },
    });
  });

  it("give the header of a header-only file", async () => {
    const problem = await fileProblem("id,text\n\n", { format: "csv", header: true, fileName: "a.csv" });
    expect(problem).toEqual({ code: "header_only", params: { fileName: "a.csv", header: ["id", "text"] } });
  });

  it("give the blank line count of an empty corpus", async () => {
    const problem = await fileProblem("\n \n", { format: "txt" });
    expect(problem).toEqual({ code: "empty_corpus", params: { fileName: null, blankLines: 2 } });
  });

  it("give the extension of an unknown format", () => {
    let caught: unknown;
    try {
      detectFormat("Book.XLSX");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CorpusFileError);
    expect((caught as CorpusFileError).params).toEqual({ fileName: "Book.XLSX", extension: ".xlsx", accepted: [".txt", ".text", ".jsonl", ".ndjson", ".csv"] });
  });
});

describe("preview error params", () => {
  it("keep code and params of row and file errors", async () => {
    const result = await previewCorpus(chunked(toBytes("id,text\n1,A\u0007\n2,x,y\n"), 64), { format: "csv", column: "text" });
    expect(result.errors).toEqual([
      {
        type: "error",
        lineNumber: 2,
        code: "control_character",
        params: { codePoint: "U+0007", position: 2 },
        message: "Line 2 contains the control character U+0007 at character 2, so it was skipped; remove control characters (tab and line breaks are allowed).",
      },
      {
        type: "error",
        lineNumber: 3,
        code: "column_count",
        params: { expected: 2, actual: 3, expectedFrom: "header" },
        message: "The record on line 3 has 3 columns, but the header has 2, so it was skipped; check for an unquoted delimiter.",
      },
    ]);
    const missing = await previewCorpus(chunked(toBytes("id,body\n1,One.\n"), 64), { format: "csv", column: "text" });
    expect(missing.fileError).toEqual({
      code: "column_not_found",
      params: { column: "text", header: ["id", "body"], lineNumber: 1 },
      message: 'column "text" is not in the header on line 1 ("id", "body"); pass one of these names or a 0-based index.',
    });
  });
});
