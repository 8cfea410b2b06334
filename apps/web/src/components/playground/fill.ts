import { MASK_TOKEN } from "../../lib/schemas.ts";

/**
 * Fills every `<mask>` of `text` with the given tokens, left to right. A byte-level token carries
 * its own leading space (" Paris"), so that space is dropped when the mask already follows whitespace.
 */
export function fillMasks(text: string, tokens: string[]): string {
  const parts = text.split(MASK_TOKEN);
  let output = parts[0] ?? "";
  for (let index = 1; index < parts.length; index += 1) {
    const token = tokens[index - 1];
    if (token === undefined) {
      output += MASK_TOKEN;
    } else {
      output += /\s$/.test(output) || output === "" ? token.trimStart() : token;
    }
    output += parts[index] ?? "";
  }
  return output;
}
