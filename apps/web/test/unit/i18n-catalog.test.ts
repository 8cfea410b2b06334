import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { en } from "../../src/i18n/messages/en.ts";
import { zhCN } from "../../src/i18n/messages/zh-CN.ts";
import { createTranslator, listKeys, lookup } from "../../src/i18n/translate.ts";

const sourceRoot = join(import.meta.dirname, "../../src");

function tsxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsxFiles(path);
    return path.endsWith(".tsx") ? [path] : [];
  });
}

/** Placeholders such as {count} used by a message. */
function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? "").sort();
}

describe("message catalogs", () => {
  it("have the same keys in English and Chinese", () => {
    const english = listKeys(en).sort();
    const chinese = listKeys(zhCN).sort();
    expect(english.filter((key) => !chinese.includes(key))).toEqual([]);
    expect(chinese.filter((key) => !english.includes(key))).toEqual([]);
    expect(english.length).toBeGreaterThan(100);
  });

  it("have no empty message", () => {
    for (const key of listKeys(en)) {
      expect(lookup(en, key), `en ${key}`).not.toBe("");
      expect(lookup(zhCN, key), `zh-CN ${key}`).not.toBe("");
    }
  });

  it("use the same placeholders in both languages", () => {
    for (const key of listKeys(en)) {
      expect(placeholders(lookup(zhCN, key) ?? ""), key).toEqual(placeholders(lookup(en, key) ?? ""));
    }
  });

  it("cover every key used in the source", () => {
    const used = new Set<string>();
    for (const file of tsxFiles(sourceRoot).concat(join(sourceRoot, "lib/issues.ts"))) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/\bt\(\s*"([\w.]+)"/g)) used.add(match[1] ?? "");
      for (const match of text.matchAll(/"((?:app|nav|common|playground|bars|models|upload|jobs|results|errors|validation|health|state)\.\w+)"/g)) used.add(match[1] ?? "");
    }
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter((key) => lookup(en, key) === undefined);
    expect(missing).toEqual([]);
  });
});

describe("translator", () => {
  it("fills placeholders", () => {
    const t = createTranslator(zhCN);
    expect(t("upload.previewErrorRow", { line: 7, message: "bad JSON" })).toBe("第 7 行：bad JSON");
  });

  it("returns the key for a missing entry", () => {
    const t = createTranslator(en);
    expect(t("nav.nothing" as never)).toBe("nav.nothing");
  });
});

describe("components and pages", () => {
  // Visible text must come from the catalogs: JSX text with letters or CJK characters, and literal
  // placeholder, title, aria-label and alt attributes, are flagged.
  const jsxText = /(?<![=\-])>\s*([A-Za-z\u4e00-\u9fff][^<>{}]*?)\s*</g;
  const literalAttribute = /\b(placeholder|title|aria-label|alt)="([^"]*[A-Za-z\u4e00-\u9fff][^"]*)"/g;

  for (const file of tsxFiles(sourceRoot)) {
    it(`has no hard-coded UI text in ${file.slice(sourceRoot.length + 1)}`, () => {
      const source = readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => !line.trim().startsWith("//") && !line.trim().startsWith("*"))
        .join("\n");
      const hits = [...source.matchAll(jsxText)].map((match) => match[1]).concat([...source.matchAll(literalAttribute)].map((match) => match[0]));
      expect(hits).toEqual([]);
    });
  }
});
