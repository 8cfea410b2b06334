import type { z } from "zod";
import type { MessageKey, Translator } from "../i18n/translate.ts";

/** A validation failure in the user's language, with the dotted path of the offending field. */
export interface FieldError {
  field: string;
  message: string;
}

/** Translates one zod issue into a sentence that names the field and the rule it broke. */
export function describeIssue(issue: z.core.$ZodIssue, t: Translator): FieldError {
  const field = issue.path.map(String).join(".") || "body";
  switch (issue.code) {
    case "invalid_type":
      // zod 4 leaves `input` out of issues unless asked, so a missing value is also recognised by its default message.
      if (("input" in issue && issue.input === undefined) || / received undefined$/.test(issue.message)) return { field, message: t("validation.missing", { field }) };
      return { field, message: describeType(t, field, issue.expected) };
    case "too_small":
      return { field, message: describeBound(t, field, "min", issue.origin, Number(issue.minimum)) };
    case "too_big":
      return { field, message: describeBound(t, field, "max", issue.origin, Number(issue.maximum)) };
    case "invalid_value":
      return { field, message: t("validation.oneOf", { field, values: issue.values.map(String).join(", ") }) };
    case "invalid_format":
      return { field, message: t("validation.format", { field, format: issue.format }) };
    case "unrecognized_keys": {
      const keys = issue.keys.map((key) => [...issue.path.map(String), key].join(".")).join(", ");
      return { field: keys, message: t("validation.unknownField", { keys }) };
    }
    case "custom": {
      const key = issue.params?.["messageKey"];
      if (typeof key === "string") return { field, message: t(key as MessageKey, { field }) };
      return { field, message: t("validation.invalid", { field }) };
    }
    default:
      return { field, message: t("validation.invalid", { field }) };
  }
}

const TYPE_KEYS: Record<string, MessageKey> = {
  number: "validation.typeNumber",
  int: "validation.typeInteger",
  string: "validation.typeString",
  boolean: "validation.typeBoolean",
  object: "validation.typeObject",
  array: "validation.typeArray",
};

function describeType(t: Translator, field: string, expected: string): string {
  const key = TYPE_KEYS[expected];
  return key === undefined ? t("validation.type", { field, expected }) : t(key, { field });
}

function describeBound(t: Translator, field: string, side: "min" | "max", origin: string, bound: number): string {
  if (origin === "string") {
    if (side === "min" && bound === 1) return t("validation.empty", { field });
    return t(side === "min" ? "validation.minChars" : "validation.maxChars", { field, bound });
  }
  if (origin === "array" || origin === "set") {
    if (side === "min" && bound === 1) return t("validation.emptyList", { field });
    return t(side === "min" ? "validation.minItems" : "validation.maxItems", { field, bound });
  }
  return t(side === "min" ? "validation.minNumber" : "validation.maxNumber", { field, bound });
}
