import { MASK_TOKEN } from "../../lib/schemas.ts";

/**
 * Fills every `<mask>` of `text` with the given decoded tokens, left to right, the way the
 * tokenizer reads the text. RoBERTa's `<mask>` absorbs the whitespace before it (lstrip), and a
 * byte-level token carries its own leading space. So "is <mask>" becomes "is Paris" for " Paris"
 * but "isim" for "im", which matches the engine's `sequence` for a single mask.
 */
export function fillMasks(text: string, tokens: string[]): string {
  const parts = text.split(MASK_TOKEN);
  let output = parts[0] ?? "";
  for (let index = 1; index < parts.length; index += 1) {
    const token = tokens[index - 1];
    if (token === undefined) {
      output += MASK_TOKEN;
    } else {
      output = output.replace(/\s+$/, "");
      output += output === "" ? token.trimStart() : token;
    }
    output += parts[index] ?? "";
  }
  return output;
}
