import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CorpusFileError, parseCorpus } from "../../src/corpus/index.ts";
import { collect, messageAt, shapes, summaryOf } from "./helpers.ts";

async function drain(events: AsyncIterable<unknown>): Promise<void> {
  for await (const _event of events) {
    // Consume until the parser throws or ends.
  }
}

describe("binary input", () => {
  it("rejects a zip renamed to .csv", async () => {
    const path = fileURLToPath(new URL("./fixtures/spreadsheet-renamed.csv", import.meta.url));
    const run = drain(parseCorpus(createReadStream(path), { format: "csv", fileName: "spreadsheet-renamed.csv" }));
    await expect(run).rejects.toBeInstanceOf(CorpusFileError);
    await expect(run).rejects.toThrow(
      '"spreadsheet-renamed.csv" is not a UTF-8 text file: it starts like a ZIP archive (a .zip, .xlsx or .docx file). Upload a UTF-8 text file: one sentence per line (.txt), JSON Lines (.jsonl) or CSV (.csv).',
    );
  });

  it("rejects binary data full of NUL bytes", async () => {
    const bytes = new Uint8Array(4096);
    for (let index = 0; index < bytes.length; index += 1) {
      bytes[index] = index % 3 === 0 ? 0 : 65 + (index % 26);
    }
    const run = collect(bytes, { format: "txt", fileName: "data.bin.txt" }, 100);
    await expect(run).rejects.toThrow(
      '"data.bin.txt" is not a text file: its first 4096 bytes contain 1366 NUL bytes. Upload a UTF-8 text file',
    );
  });

  it("allows up to 7 NUL bytes", async () => {
    const seven = await collect("a\u0000b\u0000c\u0000d\u0000\ne\u0000f\u0000g\u0000\nClean.\n", { format: "txt" });
    expect(shapes(seven)).toEqual([
      { type: "error", lineNumber: 1, code: "control_character" },
      { type: "error", lineNumber: 2, code: "control_character" },
      { type: "row", lineNumber: 3, text: "Clean." },
    ]);
    const eight = collect("a\u0000b\u0000c\u0000d\u0000\ne\u0000f\u0000g\u0000h\u0000\nClean.\n", { format: "txt" });
    await expect(eight).rejects.toThrow("The input is not a text file: its first 25 bytes contain 8 NUL bytes.");
  });

  it("rejects UTF-16 text", async () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x48, 0x00, 0x69, 0x00, 0x0a, 0x00]);
    const run = collect(bytes, { format: "txt" });
    await expect(run).rejects.toThrow("The input is not a UTF-8 text file: it starts like UTF-16 (little-endian) text.");
  });

  it("reports the code of the error", async () => {
    const error = await collect(new Uint8Array([0x1f, 0x8b, 0x08, 0x00]), { format: "jsonl" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorpusFileError);
    expect((error as CorpusFileError).code).toBe("binary_file");
    expect((error as CorpusFileError).retryable).toBe(false);
  });
});

describe("control characters", () => {
  it("skips a line with a NUL byte", async () => {
    const events = await collect("Clean.\nHas a \u0000 NUL.\nHas a \u001b escape.\nTabs\tare fine.\n", { format: "txt" });
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "Clean." },
      { type: "error", lineNumber: 2, code: "control_character" },
      { type: "error", lineNumber: 3, code: "control_character" },
      { type: "row", lineNumber: 4, text: "Tabs\tare fine." },
    ]);
    expect(messageAt(events, 2)).toBe(
      "Line 2 contains the control character U+0000 at character 7, so it was skipped; remove control characters (tab and line breaks are allowed).",
    );
    expect(messageAt(events, 3)).toMatch(/^Line 3 contains the control character U\+001B at character 7/);
  });

  it("skips a csv cell with a C1 control", async () => {
    const events = await collect("id,text\n1,Bad \u0085 cell.\n2,Good.\n", { format: "csv" });
    expect(shapes(events)).toEqual([
      { type: "error", lineNumber: 2, code: "control_character" },
      { type: "row", lineNumber: 3, text: "Good." },
    ]);
  });
});

describe("line length limit", () => {
  const megabyteLine = "word ".repeat(200_000);

  it("skips a 1 MB txt line", async () => {
    const events = await collect(`Before.\n${megabyteLine}\nAfter.\n`, { format: "txt" }, 65_536);
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "Before." },
      { type: "error", lineNumber: 2, code: "line_too_long" },
      { type: "row", lineNumber: 3, text: "After." },
    ]);
    expect(messageAt(events, 2)).toBe(
      "Line 2 is longer than limits.maxLineLength (100000 characters), so it was skipped; split it into shorter lines.",
    );
  });

  it("skips a 1 MB jsonl line", async () => {
    const events = await collect(`{"text": "${megabyteLine}"}\n{"text": "After."}\n`, { format: "jsonl" });
    expect(shapes(events)).toEqual([
      { type: "error", lineNumber: 1, code: "line_too_long" },
      { type: "row", lineNumber: 2, text: "After." },
    ]);
  });

  it("skips a 1 MB csv line", async () => {
    const events = await collect(`id,text\n1,${megabyteLine}\n2,After.\n`, { format: "csv" });
    expect(shapes(events)).toEqual([
      { type: "error", lineNumber: 2, code: "line_too_long" },
      { type: "row", lineNumber: 3, text: "After." },
    ]);
  });

  it("counts characters, not bytes", async () => {
    const limits = { maxLineLength: 5 };
    const events = await collect("北京北京北\n北京北京北京\n", { format: "txt", limits });
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "北京北京北" },
      { type: "error", lineNumber: 2, code: "line_too_long" },
    ]);
  });

  it("counts an emoji as one character", async () => {
    const events = await collect("😀😀😀\n", { format: "txt", limits: { maxLineLength: 3 } });
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 1, text: "😀😀😀" }]);
  });

  it("limits a csv record spanning lines", async () => {
    const content = 'id,text\n1,"12345\n67890\nabcde"\n2,Next.\n';
    const events = await collect(content, { format: "csv", limits: { maxLineLength: 15 } });
    expect(shapes(events)).toEqual([
      { type: "error", lineNumber: 2, code: "line_too_long" },
      { type: "row", lineNumber: 5, text: "Next." },
    ]);
    expect(messageAt(events, 2)).toBe(
      "The record starting on line 2 is longer than limits.maxLineLength (15 characters), so it was skipped; check for an unclosed quote or split the record.",
    );
  });
});

describe("column limit", () => {
  const wideHeader = Array.from({ length: 100_000 }, (_, index) => `c${index}`).join(",");
  const wideRow = Array.from({ length: 100_000 }, () => "x").join(",");

  it("rejects a 100,000-column header", async () => {
    const content = `${wideHeader}\n${wideRow}\n`;
    const run = collect(content, { format: "csv", header: true, limits: { maxLineLength: 1_000_000 } });
    await expect(run).rejects.toThrow(
      "The header could not be read: The record on line 1 has more than limits.maxColumns (1000) columns, so it was skipped; check the delimiter.",
    );
  });

  it("skips 100,000-column rows and continues", async () => {
    const content = `id,text\n${wideRow}\n2,Narrow.\n`;
    const events = await collect(content, { format: "csv", limits: { maxLineLength: 1_000_000 } });
    expect(shapes(events)).toEqual([
      { type: "error", lineNumber: 2, code: "too_many_columns" },
      { type: "row", lineNumber: 3, text: "Narrow." },
    ]);
  });

  it("hits the line limit first by default", async () => {
    const events = await collect(`id,text\n${wideRow}\n2,Narrow.\n`, { format: "csv" });
    expect(shapes(events)).toEqual([
      { type: "error", lineNumber: 2, code: "line_too_long" },
      { type: "row", lineNumber: 3, text: "Narrow." },
    ]);
  });

  it("accepts exactly maxColumns columns", async () => {
    const events = await collect("a,b,text\n1,2,Three columns.\n", { format: "csv", limits: { maxColumns: 3 } });
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 2, text: "Three columns." }]);
  });
});

describe("row and error limits", () => {
  it("stops after maxRows rows", async () => {
    const events = await collect("one\ntwo\n\nthree\nfour\n", { format: "txt", limits: { maxRows: 2 } });
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "one" },
      { type: "row", lineNumber: 2, text: "two" },
      { type: "skipped", lineNumber: 3, reason: "blank" },
      { type: "error", lineNumber: 4, code: "too_many_rows" },
    ]);
    expect(messageAt(events, 4)).toBe(
      "Line 4 contains row 3, more than limits.maxRows (2), so parsing stopped here; split the file into files of at most 2 rows.",
    );
    expect(summaryOf(events)).toEqual({
      rows: 2,
      blankLines: 1,
      errors: 1,
      errorCounts: { too_many_rows: 1 },
      lastLineNumber: 4,
      stoppedBy: "max_rows",
    });
  });

  it("allows exactly maxRows rows", async () => {
    const events = await collect("one\ntwo\n", { format: "txt", limits: { maxRows: 2 } });
    expect(summaryOf(events).stoppedBy).toBeNull();
    expect(summaryOf(events).rows).toBe(2);
  });

  it("stops after maxErrors errors", async () => {
    const events = await collect("{}\n[]\n{\"text\": \"ok\"}\n1\n2\n", { format: "jsonl", limits: { maxErrors: 2 } });
    expect(shapes(events)).toEqual([
      { type: "error", lineNumber: 1, code: "missing_field" },
      { type: "error", lineNumber: 2, code: "not_an_object" },
      { type: "row", lineNumber: 3, text: "ok" },
      { type: "error", lineNumber: 4, code: "too_many_errors" },
    ]);
    expect(summaryOf(events).stoppedBy).toBe("max_errors");
    expect(summaryOf(events).errors).toBe(3);
    expect(messageAt(events, 4)).toBe(
      "Line 4 contains error 3: more than limits.maxErrors (2) errors and fewer rows than errors, so parsing stopped here; check that the file format and options are right.",
    );
  });

  it("keeps going while rows outnumber errors", async () => {
    const lines = Array.from({ length: 30 }, (_, index) => (index % 3 === 0 ? "bad  line" : `Row ${index}.`));
    const events = await collect(lines.join("\n"), { format: "txt", limits: { maxErrors: 2 } });
    expect(summaryOf(events)).toEqual({
      rows: 20,
      blankLines: 0,
      errors: 10,
      errorCounts: { control_character: 10 },
      lastLineNumber: 30,
      stoppedBy: null,
    });
  });
});
