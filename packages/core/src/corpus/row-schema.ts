import { z } from "zod";
import type { CorpusRowProblem } from "./error-params.ts";
import { describeInvalidCharacter, findInvalidCharacter } from "./text-characters.ts";

/** Problem that makes the text of a row unusable. */
export type RowTextProblem = CorpusRowProblem<"empty_text" | "control_character" | "invalid_unicode">;

/**
 * Checks the text of the row on `lineNumber`: it must contain a non-whitespace character, no
 * control character other than tab and line breaks, and no unpaired UTF-16 surrogate (JSON
 * "\ud800"). Returns the first broken rule, or undefined for a valid text.
 */
export function findRowTextProblem(text: string, lineNumber: number): RowTextProblem | undefined {
  if (text.trim() === "") {
    return {
      code: "empty_text",
      params: {},
      message: `Line ${lineNumber} has an empty text value, so it was skipped; fill in the text or remove the row.`,
    };
  }
  const invalid = findInvalidCharacter(text);
  if (invalid === undefined) {
    return undefined;
  }
  const fix = invalid.code === "control_character" ? "remove control characters (tab and line breaks are allowed)" : "it is not valid Unicode text";
  return {
    code: invalid.code,
    params: { codePoint: invalid.codePoint, position: invalid.position },
    message: `Line ${lineNumber} contains ${describeInvalidCharacter(invalid)}, so it was skipped; ${fix}.`,
  };
}

/**
 * Schema of an emitted row: a line number from 1 and a text that passes findRowTextProblem.
 * Each failed text check carries its CorpusErrorCode in `params.code` and the whole problem (code,
 * params and message) in `params.problem`.
 */
export const CorpusRow = z
  .object({
    type: z.literal("row"),
    lineNumber: z.int().min(1),
    text: z.string(),
  })
  .superRefine((row, context) => {
    const problem = findRowTextProblem(row.text, row.lineNumber);
    if (problem !== undefined) {
      context.addIssue({ code: "custom", message: problem.message, params: { code: problem.code, problem } });
    }
  });
export type CorpusRow = z.infer<typeof CorpusRow>;
