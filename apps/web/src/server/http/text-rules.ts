import { findInvalidCharacter } from "@maskfill/core/corpus";
import { ApiError } from "./api-error.ts";

const RULE_KEYS = {
  control_character: "errors.textControlCharacter",
  invalid_unicode: "errors.textInvalidUnicode",
} as const;

/**
 * Throws a 400 ApiError naming `field` when `text` breaks a corpus row's text rules: a control
 * character other than tab and line breaks (NUL included) or an unpaired UTF-16 surrogate. The
 * corpus parser applies the same rules (findInvalidCharacter), so a sentence and an uploaded row
 * are judged alike. The message gives the offending character's code point and 1-based position.
 */
export function assertCorpusText(text: string, field: string): void {
  const found = findInvalidCharacter(text);
  if (found === undefined) return;
  throw new ApiError(400, found.code, RULE_KEYS[found.code], { field, codePoint: found.codePoint, position: found.position }, { field, retryable: false });
}
