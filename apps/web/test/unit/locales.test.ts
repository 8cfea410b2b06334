import { describe, expect, it } from "vitest";
import { negotiateLocale, toLocale } from "../../src/i18n/locales.ts";

describe("negotiateLocale", () => {
  const cases: [string | null, string][] = [
    [null, "en"],
    ["", "en"],
    ["zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"],
    ["zh-TW", "zh-CN"],
    ["en-US,en;q=0.9,zh-CN;q=0.8", "en"],
    ["fr-FR,zh;q=0.5,en;q=0.4", "zh-CN"],
    ["en;q=0.2,zh;q=0.7", "zh-CN"],
    ["de-DE,fr;q=0.9", "en"],
    ["zh;q=0,en", "en"],
  ];
  for (const [header, expected] of cases) {
    it(`maps ${JSON.stringify(header)} to ${expected}`, () => {
      expect(negotiateLocale(header)).toBe(expected);
    });
  }
});

describe("toLocale", () => {
  it("accepts supported locales only", () => {
    expect(toLocale("zh-CN")).toBe("zh-CN");
    expect(toLocale("en")).toBe("en");
    expect(toLocale("zh")).toBeUndefined();
    expect(toLocale(undefined)).toBeUndefined();
  });
});
