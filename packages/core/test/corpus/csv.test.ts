import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CorpusFileError, parseCorpus, type CorpusEvent } from "../../src/corpus/index.ts";
import { CHUNK_SIZES, collect, messageAt, shapes, summaryOf } from "./helpers.ts";

describe.each(CHUNK_SIZES)("csv corpus in %i-byte chunks", (chunkSize) => {
  it("reads the text column under a header", async () => {
    const content = '\uFEFFid,text,label\r\n1,The cat sat.,a\r\n2,"Quoted, with comma.",b\r\n';
    const events = await collect(content, { format: "csv" }, chunkSize);
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 2, text: "The cat sat." },
      { type: "row", lineNumber: 3, text: "Quoted, with comma." },
    ]);
  });

  it("numbers quoted-newline records by their first line", async () => {
    const content = 'id,text\n1,"Spans\r\ntwo lines."\n2,"Spans\n\nthree, with a blank."\n3,"Escaped ""quotes"" here."\n4,Plain.\n';
    const events = await collect(content, { format: "csv" }, chunkSize);
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 2, text: "Spans\ntwo lines." },
      { type: "row", lineNumber: 4, text: "Spans\n\nthree, with a blank." },
      { type: "row", lineNumber: 7, text: 'Escaped "quotes" here.' },
      { type: "row", lineNumber: 8, text: "Plain." },
    ]);
  });

  it("keeps escaped quotes before a line break", async () => {
    const content = 'id,text\n1,"He said ""hi""\nand left."\n2,"Ends with ""\n"" quote"\n3,Next.\n';
    const events = await collect(content, { format: "csv" }, chunkSize);
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 2, text: 'He said "hi"\nand left.' },
      { type: "row", lineNumber: 4, text: 'Ends with "\n" quote' },
      { type: "row", lineNumber: 6, text: "Next." },
    ]);
  });

  it("reports wrong column counts and continues", async () => {
    const content = "id,text,label\n1,Good.,a\n2,Too,many,columns\n3,Too few\n4,Good again.,b\n";
    const events = await collect(content, { format: "csv" }, chunkSize);
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 2, text: "Good." },
      { type: "error", lineNumber: 3, code: "column_count" },
      { type: "error", lineNumber: 4, code: "column_count" },
      { type: "row", lineNumber: 5, text: "Good again." },
    ]);
    expect(messageAt(events, 3)).toBe(
      "The record on line 3 has 4 columns, but the header has 3, so it was skipped; check for an unquoted delimiter.",
    );
  });

  it("splits records on a lone CR", async () => {
    const content = 'id,text\r1,One.\r2,"Two\rlines."\r\n3,"Crlf\r\ninside."\r4,Four.';
    const events = await collect(content, { format: "csv" }, chunkSize);
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 2, text: "One." },
      { type: "row", lineNumber: 3, text: "Two\rlines." },
      { type: "row", lineNumber: 5, text: "Crlf\ninside." },
      { type: "row", lineNumber: 7, text: "Four." },
    ]);
  });

  it("rejects a header without rows", async () => {
    const run = collect("text,id\r\n", { format: "csv", fileName: "only-header.csv" }, chunkSize);
    await expect(run).rejects.toBeInstanceOf(CorpusFileError);
    await expect(run).rejects.toMatchObject({ code: "header_only", retryable: false });
    await expect(run).rejects.toThrow(
      'The CSV file "only-header.csv" has a header ("text", "id") but no rows; add rows below the header, or set header to false if the first line is a row.',
    );
  });

  it("skips blank lines and empty records", async () => {
    const content = "id,text\n\n1,One.\n , \n,\n2,Two.\n";
    const events = await collect(content, { format: "csv" }, chunkSize);
    expect(shapes(events)).toEqual([
      { type: "skipped", lineNumber: 2, reason: "blank" },
      { type: "row", lineNumber: 3, text: "One." },
      { type: "skipped", lineNumber: 4, reason: "blank" },
      { type: "skipped", lineNumber: 5, reason: "blank" },
      { type: "row", lineNumber: 6, text: "Two." },
    ]);
    expect(summaryOf(events).blankLines).toBe(3);
  });
});

describe("csv column choice", () => {
  it("selects a column by name", async () => {
    const events = await collect("id,sentence,label\n1,Chosen.,x\n", { format: "csv", column: "sentence" });
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 2, text: "Chosen." }]);
  });

  it("matches names ignoring case and spaces", async () => {
    const events = await collect("ID, Sentence ,Label\n1,Chosen.,x\n", { format: "csv", column: "sentence" });
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 2, text: "Chosen." }]);
  });

  it("selects a column by index", async () => {
    const events = await collect("id,text,label\n1,Not this.,This label.\n", { format: "csv", column: 2 });
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 2, text: "This label." }]);
  });

  it("defaults to the sentence column", async () => {
    const events = await collect("id,sentence\n1,Found by name.\n", { format: "csv" });
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 2, text: "Found by name." }]);
  });

  it("defaults to column 0 without a text column", async () => {
    const events = await collect("content,source\nFirst column.,web\nAnother one.,book\n", { format: "csv" });
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 2, text: "First column." },
      { type: "row", lineNumber: 3, text: "Another one." },
    ]);
  });

  it("rejects an unknown column name", async () => {
    const run = collect("id,text\n1,One.\n", { format: "csv", column: "sentence" });
    await expect(run).rejects.toBeInstanceOf(CorpusFileError);
    await expect(run).rejects.toThrow(
      'column "sentence" is not in the header on line 1 ("id", "text"); pass one of these names or a 0-based index.',
    );
  });

  it("rejects an index past the last column", async () => {
    const run = collect("One.\nTwo.\n", { format: "csv", column: 1, header: false });
    await expect(run).rejects.toThrow(
      "column 1 is out of range: the record on line 1 has 1 column (0-based indexes 0 to 0); pass a smaller index.",
    );
  });

  it("uses a tab delimiter", async () => {
    const events = await collect("id\ttext\n1\tWith, commas, inside.\n", { format: "csv", delimiter: "\t" });
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 2, text: "With, commas, inside." }]);
  });
});

describe("csv header detection", () => {
  it("treats the first record as data when header is false", async () => {
    const events = await collect("text\nSecond.\n", { format: "csv", header: false });
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "text" },
      { type: "row", lineNumber: 2, text: "Second." },
    ]);
  });

  it("treats the first record as header when header is true", async () => {
    const events = await collect("A full sentence as header.\nSecond.\n", { format: "csv", header: true });
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 2, text: "Second." }]);
  });

  it("detects a header named text", async () => {
    const events = await collect("text\nshort phrase\n", { format: "csv" });
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 2, text: "short phrase" }]);
  });

  it("detects a header above data rows", async () => {
    const events = await collect("id,body\n1,The cat sat on the mat.\n", { format: "csv", column: 1 });
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 2, text: "The cat sat on the mat." }]);
  });

  it("keeps a first sentence as data", async () => {
    const events = await collect("The cat sat.\nThe dog ran.\n", { format: "csv" });
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "The cat sat." },
      { type: "row", lineNumber: 2, text: "The dog ran." },
    ]);
  });

  it("keeps short phrases as data", async () => {
    const events = await collect("hello world\ngood morning\n", { format: "csv" });
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "hello world" },
      { type: "row", lineNumber: 2, text: "good morning" },
    ]);
  });

  it("keeps a single record as data", async () => {
    const events = await collect("alone\n", { format: "csv" });
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 1, text: "alone" }]);
  });

  it("rejects a header followed by blank lines", async () => {
    const run = collect("id,sentence\n\n , \n", { format: "csv", header: true });
    await expect(run).rejects.toThrow('The CSV file has a header ("id", "sentence") but no rows; add rows below the header');
  });

  it("reads a lone header as data when header is false", async () => {
    const events = await collect("text,id\n", { format: "csv", header: false });
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 1, text: "text" }]);
  });

  it("keeps a header with only failed rows", async () => {
    const events = await collect('text,id\n"open\n', { format: "csv" });
    expect(shapes(events)).toEqual([{ type: "error", lineNumber: 2, code: "unterminated_quote" }]);
  });

  it("skips a bad first record before guessing", async () => {
    const events = await collect('id,"broken\n', { format: "csv" });
    expect(shapes(events)).toEqual([{ type: "error", lineNumber: 1, code: "unterminated_quote" }]);
  });

  it("rejects an unreadable header when header is true", async () => {
    const run = collect('"bad"header,text\n1,One.\n', { format: "csv", header: true });
    await expect(run).rejects.toThrow(/^The header could not be read: The record on line 1 is not valid CSV/);
  });
});

describe("csv malformed records", () => {
  it("reports invalid quoting and continues", async () => {
    const content = 'id,text\n1,"closed"early\n2,mid"quote\n3,Fine.\n';
    const events = await collect(content, { format: "csv" });
    expect(shapes(events)).toEqual([
      { type: "error", lineNumber: 2, code: "invalid_csv" },
      { type: "error", lineNumber: 3, code: "invalid_csv" },
      { type: "row", lineNumber: 4, text: "Fine." },
    ]);
    expect(messageAt(events, 2)).toMatch(/^The record on line 2 is not valid CSV \(Invalid Closing Quote: got "e"/);
  });

  it("reports an unclosed quote at end of file", async () => {
    const events = await collect('id,text\n1,Fine.\n2,"never closed\nmore text\n', { format: "csv" });
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 2, text: "Fine." },
      { type: "error", lineNumber: 3, code: "unterminated_quote" },
    ]);
    expect(messageAt(events, 3)).toBe(
      "The record starting on line 3 has a quoted field that is never closed, so it was skipped; add the closing double quote.",
    );
  });

  it("reports invalid UTF-8 inside a multi-line record", async () => {
    const encoder = new TextEncoder();
    const bytes = new Uint8Array([
      ...encoder.encode('id,text\n1,"Starts fine\n'),
      0xff, 0xfe,
      ...encoder.encode(' then breaks"\n2,After.\n'),
    ]);
    const events = await collect(bytes, { format: "csv" });
    expect(shapes(events)).toEqual([
      { type: "error", lineNumber: 2, code: "invalid_utf8" },
      { type: "row", lineNumber: 4, text: "After." },
    ]);
    expect(messageAt(events, 2)).toBe(
      "Line 3 is not valid UTF-8, so it was skipped; convert the file to UTF-8 (it may be Latin-1 or Windows-1252).",
    );
  });

  it("reports an empty text cell", async () => {
    const events = await collect("id,text\n1,\n2,Two.\n", { format: "csv" });
    expect(shapes(events)).toEqual([
      { type: "error", lineNumber: 2, code: "empty_text" },
      { type: "row", lineNumber: 3, text: "Two." },
    ]);
  });

  it("reads a Node.js file stream with CRLF and BOM", async () => {
    const path = fileURLToPath(new URL("./fixtures/sentences.csv", import.meta.url));
    const events: CorpusEvent[] = [];
    for await (const event of parseCorpus(createReadStream(path, { highWaterMark: 5 }), { format: "csv", fileName: "sentences.csv" })) {
      events.push(event);
    }
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 2, text: "The cat sat on the mat." },
      { type: "row", lineNumber: 3, text: "A quoted, comma sentence." },
      { type: "skipped", lineNumber: 4, reason: "blank" },
      { type: "row", lineNumber: 5, text: "Two\nlines here." },
      { type: "row", lineNumber: 7, text: "Café au lait." },
    ]);
  });
});
