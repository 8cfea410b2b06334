/** Characters longer than this are cut from text echoed in table output; JSON output is never cut. */
export const MAX_ECHOED_CHARACTERS = 300;

// C0 controls, DEL, C1 controls, and the bidirectional overrides and isolates that reorder a terminal line.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Replaces control characters with visible escapes (`\x1b`, `\n`, `\u202e`), so that user text
 * printed to a terminal cannot move the cursor, change colours or reorder the line.
 */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (char) => {
    if (char === "\n") return "\\n";
    if (char === "\r") return "\\r";
    if (char === "\t") return "\\t";
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * Prepares user text for a terminal: escapes control characters, then cuts it after
 * MAX_ECHOED_CHARACTERS characters with a note that names how many were left out.
 */
export function terminalText(text: string): string {
  const escaped = escapeControlCharacters(text);
  const characters = Array.from(escaped);
  if (characters.length <= MAX_ECHOED_CHARACTERS) return escaped;
  const omitted = characters.length - MAX_ECHOED_CHARACTERS;
  return `${characters.slice(0, MAX_ECHOED_CHARACTERS).join("")}… (${omitted} more characters; use --json for the full text)`;
}
