import { describe, expect, it } from "vitest";
import { countMasks, createJobSchema, normalizeMasks, parseTargets, predictRequestSchema, resultQuerySchema, uploadNameSchema } from "../../src/lib/schemas.ts";
import { describeIssue } from "../../src/lib/issues.ts";
import { translatorFor } from "../../src/i18n/translate.ts";

const en = translatorFor("en");
const zh = translatorFor("zh-CN");

/** Parses `input` and describes the first issue, described in both languages. */
function firstError(input: unknown) {
  const parsed = predictRequestSchema.safeParse(input);
  if (parsed.success) throw new Error("expected the parse to fail");
  const issue = parsed.error.issues[0];
  if (issue === undefined) throw new Error("no issue");
  return { en: describeIssue(issue, en), zh: describeIssue(issue, zh) };
}

describe("predictRequestSchema", () => {
  it("normalizes [MASK] and applies defaults", () => {
    const parsed = predictRequestSchema.parse({ text: "  Paris is the [MASK] of [mask].  " });
    expect(parsed).toEqual({ text: "Paris is the <mask> of <mask>.", topK: 5 });
  });

  it("rejects a sentence without a mask", () => {
    const error = firstError({ text: "No mask here." });
    expect(error.en).toEqual({ field: "text", message: "The sentence has no <mask>. Type <mask> or [MASK] where the missing word goes." });
    expect(error.zh.message).toBe("句子中没有 <mask>。请在缺词的位置输入 <mask> 或 [MASK]。");
  });

  it("rejects an empty sentence", () => {
    expect(firstError({ text: "   " }).en).toEqual({ field: "text", message: "text must not be empty." });
  });

  it("rejects a sentence over 20000 characters", () => {
    const error = firstError({ text: `${"a".repeat(20_000)} <mask>` });
    expect(error.en).toEqual({ field: "text", message: "text must have at most 20000 characters." });
    expect(error.zh.message).toBe("text 最多 20000 个字符。");
  });

  it("rejects topK outside 1..1000 and non-numbers", () => {
    expect(firstError({ text: "<mask>", topK: 0 }).en).toEqual({ field: "topK", message: "topK must be at least 1." });
    expect(firstError({ text: "<mask>", topK: 1001 }).en).toEqual({ field: "topK", message: "topK must be at most 1000." });
    expect(firstError({ text: "<mask>", topK: 2.5 }).en.field).toBe("topK");
    for (const value of [true, [7], "0x10", " 3 ", "5", null]) {
      expect(firstError({ text: "<mask>", topK: value }).en.field, JSON.stringify(value)).toBe("topK");
    }
  });

  it("rejects targets with control characters or unpaired surrogates", () => {
    for (const target of ["a\u0000", "cake\ud800", "\udc00x", "a\u001b"]) {
      expect(firstError({ text: "a <mask>", targets: ["cake", target] }).en, JSON.stringify(target)).toEqual({
        field: "targets.1",
        message: "targets.1 contains a control character or an unpaired surrogate. Type the target word as plain text.",
      });
    }
    expect(predictRequestSchema.safeParse({ text: "a <mask>", targets: ["😀"] }).success).toBe(true);
  });

  it("rejects a missing text and a wrong type", () => {
    expect(firstError({}).en).toEqual({ field: "text", message: "text is missing." });
    expect(firstError({ text: 12 }).en).toEqual({ field: "text", message: "text must be a string." });
  });

  it("keeps or adds a target's leading space", () => {
    const parsed = predictRequestSchema.parse({ text: "I like <mask>.", targets: [" cake", "pizza", "  two spaces"] });
    expect(parsed.targets).toEqual([" cake", " pizza", "  two spaces"]);
  });

  it("rejects an empty targets list", () => {
    const error = firstError({ text: "<mask>", targets: [] });
    expect(error.en).toEqual({ field: "targets", message: "targets must contain at least one entry." });
    expect(error.zh.message).toBe("targets 至少需要一项。");
  });

  it("describes wrong types as sentences", () => {
    expect(firstError({ text: "<mask>", topK: 1.5 }).en).toEqual({ field: "topK", message: "topK must be a whole number." });
    expect(firstError({ text: "<mask>", topK: 1.5 }).zh.message).toBe("topK 必须是整数。");
    expect(firstError({ text: "<mask>", topK: null }).en).toEqual({ field: "topK", message: "topK must be a number." });
    expect(firstError({ text: "<mask>", topK: "abc" }).en).toEqual({ field: "topK", message: "topK must be a number." });
    expect(firstError([1, 2]).en).toEqual({ field: "body", message: "body must be a JSON object." });
    expect(firstError([1, 2]).zh.message).toBe("body 必须是 JSON 对象。");
    expect(firstError({ text: "<mask>", targets: "cake" }).en).toEqual({ field: "targets", message: "targets must be a JSON array." });
  });

  it("rejects an empty target word", () => {
    expect(firstError({ text: "<mask>", targets: ["cat", " "] }).en).toEqual({ field: "targets.1", message: "targets.1 is an empty target. Type a word or remove that target." });
  });
});

describe("mask helpers", () => {
  it("count masks after normalisation", () => {
    expect(countMasks("a <mask> b [MASK] c [Mask]")).toBe(3);
    expect(normalizeMasks("[MASK][MASK]")).toBe("<mask><mask>");
  });
});

describe("createJobSchema", () => {
  it("requires a UUID upload id and a known format", () => {
    const parsed = createJobSchema.safeParse({ uploadId: "../etc/passwd", corpus: { format: "xlsx" } });
    expect(parsed.success).toBe(false);
    const fields = parsed.success ? [] : parsed.error.issues.map((issue) => describeIssue(issue, en));
    expect(fields).toEqual([
      { field: "uploadId", message: "uploadId is not a valid uuid." },
      { field: "corpus.format", message: "corpus.format must be one of: txt, jsonl, csv." },
    ]);
  });
});

describe("resultQuerySchema", () => {
  it("coerces numbers from the query string and rejects unknown sorts", () => {
    expect(resultQuerySchema.parse({ limit: "20" })).toEqual({ limit: 20, sort: "line" });
    const parsed = resultQuerySchema.safeParse({ sort: "random" });
    expect(parsed.success).toBe(false);
  });
});

describe("parseTargets", () => {
  it("splits ASCII and full-width commas", () => {
    expect(parseTargets(" cat, dog，bird ,, ")).toEqual(["cat", "dog", "bird"]);
  });

  it("returns undefined for an empty box", () => {
    expect(parseTargets(" , ")).toBeUndefined();
  });
});

describe("uploadNameSchema", () => {
  it("rejects file names with control characters", () => {
    const names = ["a\u0000.txt", "a\u001b[31m.txt", "tab\there.csv", "c1\u0085.jsonl", "invoice\u202Egpj.txt", "a\u2066b\u2069.csv", "rlm\u200F.jsonl", "alm\u061C.txt"];
    for (const name of names) {
      const parsed = uploadNameSchema.safeParse({ name });
      expect(parsed.success, JSON.stringify(name)).toBe(false);
      expect(describeIssue(parsed.error!.issues[0]!, translatorFor("en")).message).toBe(
        "name contains a control character or a text-direction control (such as U+202E), which can disguise the real name. Rename the file without them and upload it again.",
      );
    }
    expect(uploadNameSchema.parse({ name: "مرحبا.txt" }).name).toBe("مرحبا.txt");
    expect(uploadNameSchema.parse({ name: "语料 %ZZ.txt" }).name).toBe("语料 %ZZ.txt");
  });
});
