import { CorpusRow } from "@maskfill/core/corpus";
import { ApiError } from "./api-error.ts";

const RULE_KEYS = {
  control_character: "errors.textControlCharacter",
  invalid_unicode: "errors.textInvalidUnicode",
} as const;

function codeOf(text: string): keyof typeof RULE_KEYS | undefined {
  const parsed = CorpusRow.safeParse({ type: "row", lineNumber: 1, text });
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  const code = issue?.code === "custom" ? issue.params?.["code"] : undefined;
  return code === "control_character" || code === "invalid_unicode" ? code : undefined;
}

/**
 * Throws a 400 ApiError naming `field` when `text` breaks a corpus row's text rules: a control
 * character other than tab and line breaks (NUL included) or an unpaired UTF-16 surrogate. The
 * rules come from the corpus parser's row schema, so a sentence and an uploaded row are judged alike.
 * The message gives the first offending character's code point and 1-based position.
 */
export function assertCorpusText(text: string, field: string): void {
  const code = codeOf(text);
  if (code === undefined) return;
  // The row schema reports the rule but not in the request's language, so the first character
  // that fails the same rule on its own is located here for the message.
  let position = 0;
  for (const character of text) {
    position += 1;
    if (codeOf(`a${character}`) === code) {
      const codePoint = `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
      throw new ApiError(400, code, RULE_KEYS[code], { field, codePoint, position }, { field, retryable: false });
    }
  }
  throw new ApiError(400, code, RULE_KEYS[code], { field, codePoint: "?", position: "?" }, { field, retryable: false });
}
