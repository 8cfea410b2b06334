/** Maximum length, in code points, of the text excerpt that a score error quotes. */
const MAX_EXCERPT_CODE_POINTS = 80;

/** Cuts `text` to at most `max` code points, ending in "...", so that no surrogate pair is split. */
export function excerptOf(text: string, max = MAX_EXCERPT_CODE_POINTS): string {
  const codePoints = Array.from(text);
  return codePoints.length > max ? `${codePoints.slice(0, max - 3).join("")}...` : text;
}
