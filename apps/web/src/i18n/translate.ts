import type { Locale } from "./locales.ts";
import { en, type Messages } from "./messages/en.ts";
import { zhCN } from "./messages/zh-CN.ts";

/** Dotted path of every string leaf in a catalog, e.g. "playground.predict". */
type LeafPaths<T> = {
  [K in keyof T & string]: T[K] extends string ? K : `${K}.${LeafPaths<T[K]>}`;
}[keyof T & string];

export type MessageKey = LeafPaths<Messages>;

/** Values substituted into `{name}` placeholders. */
export type MessageParams = Record<string, string | number>;

export type Translator = (key: MessageKey, params?: MessageParams) => string;

export const catalogs: Record<Locale, Messages> = { en, "zh-CN": zhCN };

/** Looks up a dotted key in a catalog; undefined when any segment is missing. */
export function lookup(messages: Messages, key: string): string | undefined {
  let node: unknown = messages;
  for (const segment of key.split(".")) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return typeof node === "string" ? node : undefined;
}

/** Builds `t(key, params)` for one catalog; a missing key returns the key itself so the gap is visible. */
export function createTranslator(messages: Messages): Translator {
  return (key, params) => {
    const template = lookup(messages, key) ?? key;
    if (params === undefined) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      return value === undefined ? whole : String(value);
    });
  };
}

/** Translator for a locale. */
export function translatorFor(locale: Locale): Translator {
  return createTranslator(catalogs[locale]);
}

/** Every dotted key of a catalog object, for the completeness test. */
export function listKeys(node: unknown, prefix = ""): string[] {
  if (typeof node !== "object" || node === null) return [];
  return Object.entries(node).flatMap(([name, value]) => {
    const path = prefix === "" ? name : `${prefix}.${name}`;
    return typeof value === "string" ? [path] : listKeys(value, path);
  });
}
