import type { JsonType } from "./error-params.ts";

/** Result of looking up a field: found with its value, or missing. */
export type FieldLookup = { found: true; value: unknown } | { found: false };

/**
 * Looks up `path` in a parsed JSON object: first as a literal key (so "a.b" finds a key with a
 * dot), then as a dotted path through nested objects and arrays ("meta.text", "sentences.0").
 */
export function lookupField(object: Record<string, unknown>, path: string): FieldLookup {
  if (Object.hasOwn(object, path)) {
    return { found: true, value: object[path] };
  }
  if (!path.includes(".")) {
    return { found: false };
  }

  let current: unknown = object;
  for (const segment of path.split(".")) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      const index = Number(segment);
      if (index >= current.length) {
        return { found: false };
      }
      current = current[index];
    } else if (current !== null && typeof current === "object" && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}

/** Returns the JSON type of a parsed JSON value. */
export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return "array";
  }
  const type = typeof value;
  return type === "string" || type === "number" || type === "boolean" ? type : "object";
}

/** Names the JSON type of a value for messages: "a number", "null", "an array", ... */
export function describeJsonType(value: unknown): string {
  const type = jsonTypeOf(value);
  if (type === "null") {
    return "null";
  }
  return type === "array" || type === "object" ? `an ${type}` : `a ${type}`;
}
