import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseCorpus, type CorpusEvent } from "../../src/corpus/index.ts";
import { CHUNK_SIZES, collect, messageAt, shapes, summaryOf } from "./helpers.ts";

describe.each(CHUNK_SIZES)("jsonl corpus in %i-byte chunks", (chunkSize) => {
  it("reads the text field by default", async () => {
    const content = '{"text": "First.", "id": 1}\r\n\n{"id": 2, "text": "Second."}\n';
    const events = await collect(content, { format: "jsonl" }, chunkSize);
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "First." },
      { type: "skipped", lineNumber: 2, reason: "blank" },
      { type: "row", lineNumber: 3, text: "Second." },
    ]);
  });

  it("splits lines on a lone CR", async () => {
    const content = '{"text": "A."}\r{"text": "B."}\r\n{"text": "C.\\rD."}\r';
    const events = await collect(content, { format: "jsonl" }, chunkSize);
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "A." },
      { type: "row", lineNumber: 2, text: "B." },
      { type: "row", lineNumber: 3, text: "C.\rD." },
    ]);
  });

  it("reports malformed rows and continues", async () => {
    const content = [
      '{"text": "Good."}',
      '{"text": "unterminated',
      '["an", "array"]',
      '"a bare string"',
      '{"sentence": "wrong key", "id": 5}',
      '{"text": 42}',
      '{"text": null}',
      '{"text": ""}',
      '{"text": "Still good."}',
    ].join("\n");
    const events = await collect(content, { format: "jsonl" }, chunkSize);
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "Good." },
      { type: "error", lineNumber: 2, code: "invalid_json" },
      { type: "error", lineNumber: 3, code: "not_an_object" },
      { type: "error", lineNumber: 4, code: "not_an_object" },
      { type: "error", lineNumber: 5, code: "missing_field" },
      { type: "error", lineNumber: 6, code: "invalid_field_type" },
      { type: "error", lineNumber: 7, code: "invalid_field_type" },
      { type: "error", lineNumber: 8, code: "empty_text" },
      { type: "row", lineNumber: 9, text: "Still good." },
    ]);
    expect(summaryOf(events).errorCounts).toEqual({
      invalid_json: 1,
      not_an_object: 2,
      missing_field: 1,
      invalid_field_type: 2,
      empty_text: 1,
    });
  });
});

describe("jsonl corpus", () => {
  it("names the keys of an object without the field", async () => {
    const events = await collect('{"sentence": "wrong key", "id": 5}\n', { format: "jsonl" });
    expect(messageAt(events, 1)).toBe(
      'Line 1 has no "text" field (its keys are "sentence", "id"), so it was skipped; set the field option to the key that contains the text.',
    );
  });

  it("names the type of a non-string field", async () => {
    const events = await collect('{"text": [1, 2]}\n', { format: "jsonl" });
    expect(messageAt(events, 1)).toBe('Field "text" on line 1 is an array, not a string, so the line was skipped.');
  });

  it("reads a chosen field", async () => {
    const events = await collect('{"sentence": "Chosen."}\n{"text": "Not chosen."}\n', { format: "jsonl", field: "sentence" });
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "Chosen." },
      { type: "error", lineNumber: 2, code: "missing_field" },
    ]);
  });

  it("follows dotted paths into objects and arrays", async () => {
    const content = [
      '{"meta": {"text": "Nested."}}',
      '{"meta": {"texts": ["zero", "one"]}}',
      '{"meta.text": "Literal dotted key."}',
      '{"meta": "not an object"}',
    ].join("\n");
    const nested = await collect(content, { format: "jsonl", field: "meta.text" });
    expect(shapes(nested)).toEqual([
      { type: "row", lineNumber: 1, text: "Nested." },
      { type: "error", lineNumber: 2, code: "missing_field" },
      { type: "row", lineNumber: 3, text: "Literal dotted key." },
      { type: "error", lineNumber: 4, code: "missing_field" },
    ]);
    const indexed = await collect(content, { format: "jsonl", field: "meta.texts.1" });
    expect(shapes(indexed)[1]).toEqual({ type: "row", lineNumber: 2, text: "one" });
  });

  it("keeps escaped newlines and tabs in the text", async () => {
    const events = await collect('{"text": "Line one\\nline two\\tend"}\n', { format: "jsonl" });
    expect(shapes(events)).toEqual([{ type: "row", lineNumber: 1, text: "Line one\nline two\tend" }]);
  });

  it("rejects lone surrogates from JSON escapes", async () => {
    const events = await collect('{"text": "broken \\ud800 pair"}\n', { format: "jsonl" });
    expect(shapes(events)).toEqual([{ type: "error", lineNumber: 1, code: "invalid_unicode" }]);
    expect(messageAt(events, 1)).toBe(
      "Line 1 contains the unpaired surrogate U+D800 at character 8, so it was skipped; it is not valid Unicode text.",
    );
  });

  it("survives deeply nested lines", async () => {
    const deep = "[".repeat(40_000) + "]".repeat(40_000);
    const deepObject = '{"a":'.repeat(10_000) + '"x"' + "}".repeat(10_000);
    const content = `${deep}\n${deepObject}\n{"text": "After the nesting."}\n`;
    const events = await collect(content, { format: "jsonl" });
    expect(shapes(events)).toEqual([
      { type: "error", lineNumber: 1, code: "not_an_object" },
      { type: "error", lineNumber: 2, code: "missing_field" },
      { type: "row", lineNumber: 3, text: "After the nesting." },
    ]);
  });

  it("reads a Node.js file stream with a blank line", async () => {
    const path = fileURLToPath(new URL("./fixtures/sentences.jsonl", import.meta.url));
    const events: CorpusEvent[] = [];
    for await (const event of parseCorpus(createReadStream(path, { highWaterMark: 16 }), { format: "jsonl" })) {
      events.push(event);
    }
    expect(shapes(events)).toEqual([
      { type: "row", lineNumber: 1, text: "First sentence." },
      { type: "row", lineNumber: 2, text: "Second sentence." },
      { type: "skipped", lineNumber: 3, reason: "blank" },
      { type: "error", lineNumber: 4, code: "missing_field" },
    ]);
  });
});
