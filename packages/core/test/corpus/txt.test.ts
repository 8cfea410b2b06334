import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CorpusFileError, parseCorpus, type CorpusEvent } from "../../src/corpus/index.ts";
import { CHUNK_SIZES, collect, messageAt, shapes, summaryOf } from "./helpers.ts";

describe.each(CHUNK_SIZES)("txt corpus in %i-byte chunks", (chunkSize) => {
  it("emits rows with line numbers", async () => {
    const events = await collect("The cat sat.\nA dog barked.\nLast line without newline", { format: "txt" }, chunkSize);
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "The cat sat." },
      { type: "row", lineNumber: 2, text: "A dog barked." },
      { type: "row", lineNumber: 3, text: "Last line without newline" },
    ]);
    expect(summaryOf(events)).toEqual({
      rows: 3,
      blankLines: 0,
      errors: 0,
      errorCounts: {},
      lastLineNumber: 3,
      stoppedBy: null,
    });
  });

  it("strips BOM and CRLF", async () => {
    const events = await collect("\uFEFFFirst line.\r\nSecond line.\r\n", { format: "txt" }, chunkSize);
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "First line." },
      { type: "row", lineNumber: 2, text: "Second line." },
    ]);
  });

  it("splits lines on a lone CR", async () => {
    const events = await collect("One.\rTwo.\r\rThree.\r\nFour.\n\rFive.\r", { format: "txt" }, chunkSize);
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "One." },
      { type: "row", lineNumber: 2, text: "Two." },
      { type: "skipped", lineNumber: 3, reason: "blank" },
      { type: "row", lineNumber: 4, text: "Three." },
      { type: "row", lineNumber: 5, text: "Four." },
      { type: "skipped", lineNumber: 6, reason: "blank" },
      { type: "row", lineNumber: 7, text: "Five." },
    ]);
    expect(summaryOf(events).lastLineNumber).toBe(7);
  });

  it("skips and counts blank lines", async () => {
    const events = await collect("\nOne.\n   \n\t\r\nTwo.\n\n", { format: "txt" }, chunkSize);
    expect(shapes(events)).toEqual([
      { type: "skipped", lineNumber: 1, reason: "blank" },
      { type: "row", lineNumber: 2, text: "One." },
      { type: "skipped", lineNumber: 3, reason: "blank" },
      { type: "skipped", lineNumber: 4, reason: "blank" },
      { type: "row", lineNumber: 5, text: "Two." },
      { type: "skipped", lineNumber: 6, reason: "blank" },
    ]);
    expect(summaryOf(events).blankLines).toBe(4);
    expect(summaryOf(events).rows).toBe(2);
  });

  it("keeps leading and trailing spaces", async () => {
    const events = await collect("  indented text  \n", { format: "txt" }, chunkSize);
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 1, text: "  indented text  " }]);
  });

  it("decodes multi-byte characters split across chunks", async () => {
    const events = await collect("Café, 北京, 😀 emoji.\n", { format: "txt" }, chunkSize);
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 1, text: "Café, 北京, 😀 emoji." }]);
  });

  it("reports invalid UTF-8 and keeps the other lines", async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode("Good one.\n"),
      0x43, 0x61, 0x66, 0xe9, 0x0a, // "Caf\xe9" in Latin-1
      ...new TextEncoder().encode("Good two.\n"),
    ]);
    const events = await collect(bytes, { format: "txt" }, chunkSize);
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "Good one." },
      { type: "error", lineNumber: 2, code: "invalid_utf8" },
      { type: "row", lineNumber: 3, text: "Good two." },
    ]);
    expect(messageAt(events, 2)).toBe(
      "Line 2 is not valid UTF-8, so it was skipped; convert the file to UTF-8 (it may be Latin-1 or Windows-1252).",
    );
  });
});

describe("txt corpus", () => {
  it("rejects empty input", async () => {
    const attempt = collect("", { format: "txt" });
    await expect(attempt).rejects.toBeInstanceOf(CorpusFileError);
    await expect(collect("", { format: "txt" })).rejects.toThrow("The file is empty; add one sentence per line (or one row per sentence) and upload it again.");
  });

  it("rejects input with only blank lines", async () => {
    await expect(collect("\n  \n\t\n", { format: "txt", fileName: "blank.txt" })).rejects.toThrow(
      'The file "blank.txt" has only 3 blank lines; add one sentence per line (or one row per sentence) and upload it again.',
    );
    await expect(collect("\n", { format: "jsonl" })).rejects.toThrow("The file has only 1 blank line; add one sentence per line");
  });

  it("keeps a file whose every line is invalid", async () => {
    const events = await collect("bad \u0000 line\n", { format: "txt" });
    expect(events.map((event) => event.type)).toEqual(["error", "end"]);
  });

  it("reads a Node.js file stream", async () => {
    const path = fileURLToPath(new URL("./fixtures/sentences.txt", import.meta.url));
    const events: CorpusEvent[] = [];
    for await (const event of parseCorpus(createReadStream(path), { format: "txt" })) {
      events.push(event);
    }
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "One sentence per line." },
      { type: "row", lineNumber: 2, text: "Another one." },
    ]);
  });

  it("reads string chunks from setEncoding", async () => {
    const path = fileURLToPath(new URL("./fixtures/sentences.txt", import.meta.url));
    const stream = createReadStream(path);
    stream.setEncoding("utf8");
    const events: CorpusEvent[] = [];
    for await (const event of parseCorpus(stream, { format: "txt" })) {
      events.push(event);
    }
    expect(summaryOf(events).rows).toBe(2);
  });

  it("stops reading the stream when the consumer stops", async () => {
    const path = fileURLToPath(new URL("./fixtures/sentences.txt", import.meta.url));
    const stream = createReadStream(path);
    for await (const event of parseCorpus(stream, { format: "txt" })) {
      expect(event).toEqual({ type: "row", lineNumber: 1, text: "One sentence per line." });
      break;
    }
    expect(stream.destroyed).toBe(true);
  });
});
