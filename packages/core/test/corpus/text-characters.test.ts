import { describe, expect, it } from "vitest";
import { describeInvalidCharacter, findInvalidCharacter } from "../../src/corpus/index.ts";

describe("findInvalidCharacter", () => {
  it.each([
    ["plain text", "The cat sat on the <mask>."],
    ["tab and line breaks", "tab\there\nline\r\nend\r"],
    ["bidirectional override", "abc \u202e def"],
    ["surrogate pair", "emoji \u{1F600} <mask>"],
  ])("accepts %s", (_name, text) => {
    expect(findInvalidCharacter(text)).toBeUndefined();
  });

  it.each([
    ["SOH", "A\u0001 <mask>", { code: "control_character", codePoint: "U+0001", position: 2 }],
    ["NUL", "\u0000", { code: "control_character", codePoint: "U+0000", position: 1 }],
    ["ESC", "esc \u001b[31m", { code: "control_character", codePoint: "U+001B", position: 5 }],
    ["BEL", "bell \u0007", { code: "control_character", codePoint: "U+0007", position: 6 }],
    ["DEL", "del \u007f", { code: "control_character", codePoint: "U+007F", position: 5 }],
    ["C1 control", "next \u0085 line", { code: "control_character", codePoint: "U+0085", position: 6 }],
    ["lone high surrogate", "ab\ud800c", { code: "invalid_unicode", codePoint: "U+D800", position: 3 }],
    ["lone low surrogate", "\udc00", { code: "invalid_unicode", codePoint: "U+DC00", position: 1 }],
  ])("rejects %s", (_name, text, expected) => {
    expect(findInvalidCharacter(text)).toEqual(expected);
  });

  it("counts positions in code points", () => {
    expect(findInvalidCharacter("\u{1F600}\u{1F600}\u0007")).toEqual({ code: "control_character", codePoint: "U+0007", position: 3 });
  });

  it("reports a control character first", () => {
    expect(findInvalidCharacter("\ud800 then \u0001")).toEqual({ code: "control_character", codePoint: "U+0001", position: 8 });
  });
});

describe("describeInvalidCharacter", () => {
  it("names the code point and position", () => {
    expect(describeInvalidCharacter({ code: "control_character", codePoint: "U+0001", position: 2 })).toBe("the control character U+0001 at character 2");
    expect(describeInvalidCharacter({ code: "invalid_unicode", codePoint: "U+D800", position: 3 })).toBe("the unpaired surrogate U+D800 at character 3");
  });
});
