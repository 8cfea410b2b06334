import { BINARY_SIGNATURES, CORPUS_ERROR_CODES, CORPUS_FILE_ERROR_CODES, type CorpusFileProblem } from "@maskfill/core/corpus";
import { describe, expect, it } from "vitest";
import { en } from "../../src/i18n/messages/en.ts";
import { zhCN } from "../../src/i18n/messages/zh-CN.ts";
import { listKeys, lookup, translatorFor } from "../../src/i18n/translate.ts";
import { describeCorpusFileError, describeCorpusRowError, describeStoredRowError } from "../../src/lib/corpus-messages.ts";

const catalogs = { en, "zh-CN": zhCN };
const english = translatorFor("en");
const chinese = translatorFor("zh-CN");

describe("corpus error catalog", () => {
  for (const [locale, messages] of Object.entries(catalogs)) {
    it(`covers every row code in ${locale}`, () => {
      const missing = CORPUS_ERROR_CODES.filter((code) => lookup(messages, `corpusErrors.rows.${code}`) === undefined);
      expect(missing).toEqual([]);
    });

    it(`covers every file code in ${locale}`, () => {
      const missing = CORPUS_FILE_ERROR_CODES.filter((code) => lookup(messages, `corpusErrors.files.${code}`) === undefined);
      expect(missing).toEqual([]);
    });

    it(`covers every binary signature in ${locale}`, () => {
      const missing = BINARY_SIGNATURES.filter((signature) => lookup(messages, `corpusErrors.binaryKinds.${signature}`) === undefined);
      expect(missing).toEqual([]);
    });
  }

  it("never asks to raise a parser limit", () => {
    const keys = listKeys(en.corpusErrors, "corpusErrors");
    expect(keys.filter((key) => /raise|limits\./i.test(lookup(en, key) ?? ""))).toEqual([]);
    expect(keys.filter((key) => /调高|提高|limits\./.test(lookup(zhCN, key) ?? ""))).toEqual([]);
  });
});

describe("describeCorpusFileError", () => {
  const utf16 = {
    code: "binary_file",
    params: { fileName: "notes.txt", reason: "signature", signature: "utf16le" },
    message: "English",
  } as const;

  it("writes a UTF-16 file in both languages", () => {
    expect(describeCorpusFileError(english, utf16)).toBe(
      'The file "notes.txt" is not a UTF-8 text file: it starts like UTF-16 (little-endian) text. Upload a UTF-8 text file: one sentence per line (.txt), JSON Lines (.jsonl) or CSV (.csv).',
    );
    expect(describeCorpusFileError(chinese, utf16)).toBe(
      "文件“notes.txt”不是 UTF-8 文本文件：其开头与 UTF-16（小端序）文本相同。请上传 UTF-8 文本文件：每行一句的 .txt、JSON Lines（.jsonl）或 CSV（.csv）。",
    );
  });

  it("writes NUL bytes of an unnamed file", () => {
    const problem = { code: "binary_file", params: { fileName: null, reason: "nul_bytes", nulBytes: 12, sampleBytes: 8192 }, message: "" } as const;
    expect(describeCorpusFileError(chinese, problem)).toBe(
      "该文件不是文本文件：前 8192 个字节中有 12 个 NUL 字节。请上传 UTF-8 文本文件：每行一句的 .txt、JSON Lines（.jsonl）或 CSV（.csv）。",
    );
  });

  it("lists the header of a missing column", () => {
    const problem: CorpusFileProblem = { code: "column_not_found", params: { column: "nope", header: ["id", "text"], lineNumber: 1 }, message: "" };
    expect(describeCorpusFileError(english, problem)).toBe('The column "nope" is not in the header on line 1 ("id", "text"). Choose one of these names or a 0-based column index.');
    expect(describeCorpusFileError(chinese, problem)).toBe("第 1 行的表头中没有“nope”列（现有列：“id”、“text”）。请从这些列名中选择一个，或填写从 0 开始的列序号。");
  });

  it("translates the row error of a header", () => {
    const rowError = { lineNumber: 1, code: "unterminated_quote", params: {}, message: "" } as const;
    expect(describeCorpusFileError(chinese, { code: "invalid_header", params: { rowError }, message: "" })).toBe(
      "无法读取第 1 行的表头：该记录中有一个带引号的字段没有闭合，已跳过。请补上闭合的双引号。",
    );
  });

  it("tells an empty file from blank lines", () => {
    expect(describeCorpusFileError(chinese, { code: "empty_corpus", params: { fileName: "a.txt", blankLines: 0 }, message: "" })).toBe(
      "文件“a.txt”是空的。请每行写一句（或每条记录一句）后重新上传。",
    );
    expect(describeCorpusFileError(chinese, { code: "empty_corpus", params: { fileName: null, blankLines: 3 }, message: "" })).toBe(
      "该文件只有 3 个空行。请每行写一句（或每条记录一句）后重新上传。",
    );
  });

  it("names the extension of an unknown format", () => {
    const problem: CorpusFileProblem = { code: "unknown_format", params: { fileName: "a.xlsx", extension: ".xlsx", accepted: [".txt", ".csv"] }, message: "" };
    expect(describeCorpusFileError(english, problem)).toBe('"a.xlsx" has the extension ".xlsx", which is not a corpus format. Choose the format, or rename the file to end in one of .txt, .csv.');
    expect(describeCorpusFileError(chinese, problem)).toBe("“a.xlsx”的扩展名“.xlsx”不是支持的语料格式。请将其改为 .txt、.csv 之一，或手动选择格式。");
  });
});

describe("describeCorpusRowError", () => {
  it("points a long line to the administrator", () => {
    const error = { lineNumber: 2, code: "line_too_long", params: { limit: 100000, unit: "line" }, message: "" } as const;
    expect(describeCorpusRowError(english, error)).toBe("This line is longer than 100000 characters, so it was skipped. Split it into shorter lines; the server administrator sets this limit.");
    expect(describeCorpusRowError(chinese, error)).toBe("此行超过 100000 个字符，已跳过。请将其拆分为较短的行；该上限由服务器管理员设定。");
  });

  it("writes a long CSV record", () => {
    const error = { lineNumber: 2, code: "line_too_long", params: { limit: 500, unit: "record" }, message: "" } as const;
    expect(describeCorpusRowError(chinese, error)).toBe("从此行开始的 CSV 记录超过 500 个字符，已跳过。请检查是否有未闭合的引号，或缩短该记录；该上限由服务器管理员设定。");
  });

  it("cuts a long key list", () => {
    const keys = Array.from({ length: 12 }, (_, index) => `k${index}`);
    const error = { lineNumber: 5, code: "missing_field", params: { field: "text", keys }, message: "" } as const;
    expect(describeCorpusRowError(chinese, error)).toBe(
      "此行没有“text”字段（现有键：“k0”、“k1”、“k2”、“k3”、“k4”、“k5”、“k6”、“k7”、“k8”、“k9”，以及另外 2 个），已跳过。请选择包含文本的 JSON 字段。",
    );
  });

  it("names JSON types in Chinese", () => {
    expect(describeCorpusRowError(chinese, { lineNumber: 3, code: "not_an_object", params: { type: "null", field: "text" }, message: "" })).toBe(
      '此行是 null，不是 JSON 对象，已跳过。请将每行写成 {"text": "..."} 的形式。',
    );
    expect(describeCorpusRowError(chinese, { lineNumber: 3, code: "invalid_field_type", params: { field: "text", type: "number" }, message: "" })).toBe(
      "“text”字段是数字，不是字符串，该行已跳过。",
    );
  });

  it("names the lines of a multi-line CSV record", () => {
    const error = { lineNumber: 2, code: "invalid_csv", params: { detail: "Invalid Closing Quote", endLine: 4 }, message: "" } as const;
    expect(describeCorpusRowError(chinese, error)).toBe(
      "第 2 行至第 4 行的记录不是有效的 CSV（Invalid Closing Quote），已跳过。含有引号或分隔符的字段须用双引号括起，字段内的双引号须写成两个。",
    );
  });

  it("writes a stop at the row limit", () => {
    const error = { lineNumber: 11, code: "too_many_rows", params: { limit: 10 }, message: "" } as const;
    expect(describeCorpusRowError(english, error)).toBe("The file has more than 10 rows, so reading stopped at this line. Split the file into smaller files; the server administrator sets this limit.");
    expect(describeCorpusRowError(chinese, error)).toBe("文件超过 10 行，读取在此行停止。请将文件拆分成较小的文件；该上限由服务器管理员设定。");
  });
});

describe("describeStoredRowError", () => {
  it("translates a code without params", () => {
    expect(describeStoredRowError(chinese, "invalid_utf8", "Line 7 is not valid UTF-8.")).toBe(
      "此行不是有效的 UTF-8 文本，已跳过。请将文件另存为 UTF-8 编码（原文件可能是 Latin-1 或 Windows-1252 编码）。",
    );
  });

  it("keeps a message that needs params", () => {
    expect(describeStoredRowError(chinese, "line_too_long", "Line 7 is longer than limits.maxLineLength.")).toBe("Line 7 is longer than limits.maxLineLength.");
  });

  it("keeps a message without a code", () => {
    expect(describeStoredRowError(chinese, null, "Worker crashed.")).toBe("Worker crashed.");
  });
});
