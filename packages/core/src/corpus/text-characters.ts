// Character rules shared by the corpus parser, the job catalog, the CLI and the web app's request
// schemas. This module imports nothing, so browser code can use it too.

/** C0 controls except tab, line feed and carriage return, DEL, and C1 controls. */
export const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** A UTF-16 surrogate without its pair, which is not valid Unicode text. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A character no target word may contain: any C0 control (tab and line breaks too), DEL, or an
 * unpaired surrogate. PostgreSQL cannot store a NUL or an unpaired surrogate in a job's options.
 */
export const INVALID_TARGET_CHARACTER = new RegExp(`[\\u0000-\\u001F\\u007F]|${LONE_SURROGATE.source}`);

/** The first character of a text that breaks the text rules, as `findInvalidCharacter` returns it. */
export interface InvalidCharacter {
  /** The corpus error code of the broken rule. */
  code: "control_character" | "invalid_unicode";
  /** Code point in U+ notation, for example "U+001B". */
  codePoint: string;
  /** 1-based position in the text, counted in code points (an unpaired surrogate counts as one). */
  position: number;
}

/**
 * Finds the first character that breaks the text rules of sentences and corpus rows: a control
 * character other than tab and line breaks (CONTROL_CHARACTER), or else an unpaired surrogate.
 * A control character is reported even when an unpaired surrogate comes before it. Returns
 * undefined for valid text.
 */
export function findInvalidCharacter(text: string): InvalidCharacter | undefined {
  const control = CONTROL_CHARACTER.exec(text);
  if (control !== null) {
    return locateCharacter("control_character", text, control);
  }
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate !== null) {
    return locateCharacter("invalid_unicode", text, surrogate);
  }
  return undefined;
}

/** Describes the character for a message, for example "the control character U+0001 at character 2". */
export function describeInvalidCharacter(found: InvalidCharacter): string {
  const kind = found.code === "control_character" ? "control character" : "unpaired surrogate";
  return `the ${kind} ${found.codePoint} at character ${found.position}`;
}

function locateCharacter(code: InvalidCharacter["code"], text: string, match: RegExpExecArray): InvalidCharacter {
  const codePoint = `U+${(match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
  return { code, codePoint, position: Array.from(text.slice(0, match.index)).length + 1 };
}
