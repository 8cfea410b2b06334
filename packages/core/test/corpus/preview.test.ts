import { describe, expect, it } from "vitest";
import { previewCorpus } from "../../src/corpus/index.ts";
import { chunked, toBytes } from "./helpers.ts";

function preview(content: string | Uint8Array, options: Parameters<typeof previewCorpus>[1], limits = {}) {
  return previewCorpus(chunked(toBytes(content), 64), options, limits);
}

describe("previewCorpus", () => {
  it("returns csv header names and the text column", async () => {
    const result = await preview("id,text,label\n1,One.,a\n2,Two.,b\n3,Three.,c\n", { format: "csv" }, { maxRows: 2 });
    expect(result.rows).toEqual([
      { type: "row", lineNumber: 2, text: "One." },
      { type: "row", lineNumber: 3, text: "Two." },
    ]);
    expect(result.csv).toEqual({ header: ["id", "text", "label"], headerGuessed: true, columnCount: 3, column: 1 });
    expect(result.complete).toBe(false);
    expect(result.fields).toBeNull();
    expect(result.fileError).toBeNull();
  });

  it("returns the header when the column is missing", async () => {
    const result = await preview("id,body\n1,One.\n", { format: "csv", column: "sentence" });
    expect(result.csv).toEqual({ header: ["id", "body"], headerGuessed: false, columnCount: 2, column: null });
    expect(result.fileError?.code).toBe("column_not_found");
    expect(result.rows).toEqual([]);
  });

  it("reports a headerless csv", async () => {
    const result = await preview("The cat sat.\nThe dog ran.\n", { format: "csv" });
    expect(result.csv).toEqual({ header: null, headerGuessed: true, columnCount: 1, column: 0 });
    expect(result.rows.length).toBe(2);
    expect(result.complete).toBe(true);
  });

  it("collects jsonl keys in first-seen order", async () => {
    const content = '{"id": 1, "text": "One."}\n{"sentence": "x", "id": 2}\nnot json\n{"text": "Three.", "meta": {}}\n';
    const result = await preview(content, { format: "jsonl" });
    expect(result.fields).toEqual(["id", "text", "sentence", "meta"]);
    expect(result.rows.map((row) => row.lineNumber)).toEqual([1, 4]);
    expect(result.errors.map((error) => [error.lineNumber, error.code])).toEqual([
      [2, "missing_field"],
      [3, "invalid_json"],
    ]);
    expect(result.complete).toBe(true);
  });

  it("stops after maxLines lines", async () => {
    const content = "\n".repeat(50) + "Late row.\n";
    const result = await preview(content, { format: "txt" }, { maxLines: 10 });
    expect(result.rows).toEqual([]);
    expect(result.blankLines).toBe(10);
    expect(result.complete).toBe(false);
  });

  it("rejects a zero row limit", async () => {
    await expect(preview("One.\n", { format: "txt" }, { maxRows: 0 })).rejects.toThrow(
      "Preview maxRows must be a positive integer, got 0.",
    );
    await expect(preview("One.\n", { format: "txt" }, { maxLines: 1.5 })).rejects.toThrow(
      "Preview maxLines must be a positive integer, got 1.5.",
    );
  });

  it("returns a binary file as fileError", async () => {
    const result = await preview(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), { format: "csv", fileName: "book.csv" });
    expect(result.fileError).toEqual({
      code: "binary_file",
      params: { fileName: "book.csv", reason: "signature", signature: "zip" },
      message:
        '"book.csv" is not a UTF-8 text file: it starts like a ZIP archive (a .zip, .xlsx or .docx file). Upload a UTF-8 text file: one sentence per line (.txt), JSON Lines (.jsonl) or CSV (.csv).',
    });
    expect(result.rows).toEqual([]);
  });
});
