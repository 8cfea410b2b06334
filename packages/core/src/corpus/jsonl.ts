import type { FormatEvent } from "./events.ts";
import { describeJsonType, jsonTypeOf, lookupField } from "./field-path.ts";
import type { SourceLine } from "./line-splitter.ts";
import type { CorpusObserver } from "./observer.ts";

/** Keys listed in a "missing field" message before it is cut short. */
const MAX_KEYS_IN_MESSAGE = 10;

function listKeys(keys: string[]): string {
  if (keys.length === 0) {
    return "the object has no keys";
  }
  const listed = keys.slice(0, MAX_KEYS_IN_MESSAGE).map((key) => JSON.stringify(key));
  const more = keys.length > MAX_KEYS_IN_MESSAGE ? `, and ${keys.length - MAX_KEYS_IN_MESSAGE} more` : "";
  return `its keys are ${listed.join(", ")}${more}`;
}

/**
 * Turns each line of a JSON Lines corpus into one row, reading the text from `field` (a key or a
 * dotted path). Lines that are not a JSON object with a string at `field` become error events.
 */
export async function* parseJsonl(
  lines: AsyncIterable<SourceLine>,
  field: string,
  observer: CorpusObserver,
): AsyncGenerator<FormatEvent> {
  for await (const line of lines) {
    const { lineNumber } = line;
    if (line.problem !== null) {
      yield { type: "error", lineNumber, ...line.problem };
      continue;
    }
    if (line.text.trim() === "") {
      yield { type: "skipped", lineNumber, reason: "blank" };
      continue;
    }

    let value: unknown;
    try {
      value = JSON.parse(line.text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      yield {
        type: "error",
        lineNumber,
        code: "invalid_json",
        params: { detail: reason },
        message: `Line ${lineNumber} is not valid JSON (${reason}), so it was skipped; each line must be one JSON object.`,
      };
      continue;
    }

    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      yield {
        type: "error",
        lineNumber,
        code: "not_an_object",
        params: { type: jsonTypeOf(value), field },
        message: `Line ${lineNumber} is ${describeJsonType(value)}, not a JSON object, so it was skipped; write each row as {"${field}": "..."}.`,
      };
      continue;
    }

    const object = value as Record<string, unknown>;
    const keys = Object.keys(object);
    observer.onJsonKeys?.(keys);

    const lookup = lookupField(object, field);
    if (!lookup.found) {
      yield {
        type: "error",
        lineNumber,
        code: "missing_field",
        params: { field, keys },
        message: `Line ${lineNumber} has no "${field}" field (${listKeys(keys)}), so it was skipped; set the field option to the key that contains the text.`,
      };
      continue;
    }
    if (typeof lookup.value !== "string") {
      yield {
        type: "error",
        lineNumber,
        code: "invalid_field_type",
        params: { field, type: jsonTypeOf(lookup.value) },
        message: `Field "${field}" on line ${lineNumber} is ${describeJsonType(lookup.value)}, not a string, so the line was skipped.`,
      };
      continue;
    }
    yield { type: "row", lineNumber, text: lookup.value };
  }
}
