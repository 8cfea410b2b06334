import type { Translator } from "../i18n/translate.ts";

/** Maximum length, in code points, of the sentence excerpt that a score error quotes. */
const MAX_EXCERPT_CODE_POINTS = 80;

/** Cuts `text` to at most `max` code points, ending in "...", so that no surrogate pair is split. */
export function excerptOf(text: string, max = MAX_EXCERPT_CODE_POINTS): string {
  const codePoints = Array.from(text);
  return codePoints.length > max ? `${codePoints.slice(0, max - 3).join("")}...` : text;
}

/**
 * Describes an engine rejection of a sentence to score in the request's language. The engine's
 * `text_too_long` message quotes the text cut at a UTF-16 unit, which can split an emoji into an
 * escaped lone surrogate, so that message is rebuilt here from its token counts. Other codes keep
 * the engine's English message.
 */
export function describeScoreError(error: { code: string; message: string }, text: string, t: Translator): string {
  if (error.code !== "text_too_long") return error.message;
  // NOTE: the engine error carries its token counts only inside the English message, so they are
  // read back from it. If that wording changes, the engine message is returned unchanged.
  const counts = /has (\d+) tokens; at most (\d+)/.exec(error.message);
  if (counts === null) return error.message;
  return t("scoring.textTooLong", { excerpt: JSON.stringify(excerptOf(text)), tokens: Number(counts[1]), limit: Number(counts[2]) });
}
