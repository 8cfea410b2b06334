import { describe, expect, it } from "vitest";
import {
  CorpusFileError,
  CorpusOptionsError,
  DEFAULT_CORPUS_LIMITS,
  detectFormat,
  parseCorpus,
  resolveCorpusOptions,
  type CorpusOptions,
} from "../../src/corpus/index.ts";

describe("resolveCorpusOptions", () => {
  it("fills in defaults", () => {
    expect(resolveCorpusOptions({ format: "csv" })).toEqual({
      format: "csv",
      field: "text",
      column: undefined,
      header: "auto",
      delimiter: ",",
      fileName: undefined,
      limits: { ...DEFAULT_CORPUS_LIMITS },
    });
  });

  it("keeps given limits and defaults the rest", () => {
    const resolved = resolveCorpusOptions({ format: "txt", limits: { maxRows: 5 } });
    expect(resolved.limits).toEqual({ ...DEFAULT_CORPUS_LIMITS, maxRows: 5 });
  });

  const invalid: Array<[string, unknown, string]> = [
    ["unknown format", { format: "xlsx" }, 'format must be one of "txt", "jsonl" or "csv"'],
    ["zero maxRows", { format: "txt", limits: { maxRows: 0 } }, "limits.maxRows must be at least 1"],
    ["fractional maxLineLength", { format: "txt", limits: { maxLineLength: 1.5 } }, "limits.maxLineLength must be an integer"],
    ["negative column", { format: "csv", column: -1 }, "column must be a non-empty header name or a 0-based integer index"],
    ["two-character delimiter", { format: "csv", delimiter: ";;" }, "delimiter must be exactly one character"],
    ["quote delimiter", { format: "csv", delimiter: '"' }, 'delimiter must not be a double quote or a line break, got "\\"".'],
    ["field on csv", { format: "csv", field: "text" }, "field applies to jsonl files only, not csv; use column for csv."],
    ["column on jsonl", { format: "jsonl", column: 1 }, "column applies to csv files only, not jsonl; use field for jsonl."],
    ["header on txt", { format: "txt", header: true }, "header applies to csv files only, not txt."],
    [
      "column name without header",
      { format: "csv", column: "text", header: false },
      'column "text" is a header name, but header is false; set header to true or "auto", or pass a 0-based index.',
    ],
  ];

  it.each(invalid)("rejects %s", (_name, options, message) => {
    expect(() => resolveCorpusOptions(options as CorpusOptions)).toThrow(CorpusOptionsError);
    expect(() => resolveCorpusOptions(options as CorpusOptions)).toThrow(message);
  });

  it("rejects options before reading input", async () => {
    let read = false;
    async function* input() {
      read = true;
      yield new Uint8Array([0x61]);
    }
    const events = parseCorpus(input(), { format: "txt", limits: { maxErrors: 0 } });
    await expect(events.next()).rejects.toThrow("limits.maxErrors must be at least 1");
    expect(read).toBe(false);
  });
});

describe("detectFormat", () => {
  it.each([
    ["corpus.txt", "txt"],
    ["notes.TEXT", "txt"],
    ["data.jsonl", "jsonl"],
    ["data.ndjson", "jsonl"],
    ["Export.CSV", "csv"],
    ["dir.with.dots/sentences.csv", "csv"],
  ])("maps %s to %s", (fileName, format) => {
    expect(detectFormat(fileName)).toBe(format);
  });

  it("rejects an unknown extension", () => {
    expect(() => detectFormat("book.xlsx")).toThrow(CorpusFileError);
    expect(() => detectFormat("book.xlsx")).toThrow(
      '"book.xlsx" has the extension ".xlsx", which is not a corpus format; rename it to one of .txt, .text, .jsonl, .ndjson, .csv, or pass the format explicitly.',
    );
  });

  it("rejects a name without extension", () => {
    expect(() => detectFormat("README")).toThrow('"README" has no extension, which is not a corpus format');
  });
});
