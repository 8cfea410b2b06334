import type { Outcome } from "@maskfill/core";
import { describeInvalidCharacter, findInvalidCharacter } from "@maskfill/core/corpus";

/** Returns the failed outcome of a command-line text that breaks the character rules, or undefined when it passes them. */
function checkText(text: string, textNumber: number): Outcome<never> | undefined {
  const invalid = findInvalidCharacter(text);
  if (invalid === undefined) return undefined;
  const fix = invalid.code === "control_character" ? "remove control characters (tab and line breaks are allowed)" : "pass the text as valid UTF-8";
  return { ok: false, error: { code: invalid.code, message: `Text ${textNumber} contains ${describeInvalidCharacter(invalid)}; ${fix}.` } };
}

/**
 * Runs `infer` on the texts that pass the character rules of the HTTP API and corpus rows, and
 * returns one outcome per text, in order. A text with a control character other than tab and
 * line breaks, or with an unpaired surrogate, never reaches `infer`. Its outcome fails with the
 * code control_character or invalid_unicode and a message with the text's number and the position.
 */
export async function inferValidTexts<T>(texts: readonly string[], infer: (valid: string[]) => Promise<Outcome<T>[]>): Promise<Outcome<T>[]> {
  const rejected = texts.map((text, index) => checkText(text, index + 1));
  const valid = texts.filter((_text, index) => rejected[index] === undefined);
  const inferred = valid.length === 0 ? [] : await infer(valid);
  if (inferred.length !== valid.length) {
    throw new Error(`the engine returned ${inferred.length} outcomes for ${valid.length} texts; this is a bug, please report it.`);
  }

  let next = 0;
  return rejected.map((failure) => failure ?? inferred[next++]!);
}
