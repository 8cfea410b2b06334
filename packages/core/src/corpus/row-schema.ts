import { z } from "zod";
import type { CorpusErrorCode } from "./events.ts";
import { describeInvalidCharacter, findInvalidCharacter } from "./text-characters.ts";

/**
 * Schema of an emitted row. The text must contain a non-whitespace character, no control
 * character other than tab and line breaks, and no unpaired UTF-16 surrogate (JSON "\ud800").
 * Each failed check carries its CorpusErrorCode in `params.code`.
 */
export const CorpusRow = z
  .object({
    type: z.literal("row"),
    lineNumber: z.int().min(1),
    text: z.string(),
  })
  .superRefine((row, context) => {
    if (row.text.trim() === "") {
      context.addIssue({
        code: "custom",
        message: `Line ${row.lineNumber} has an empty text value, so it was skipped; fill in the text or remove the row.`,
        params: { code: "empty_text" satisfies CorpusErrorCode },
      });
      return;
    }
    const invalid = findInvalidCharacter(row.text);
    if (invalid === undefined) {
      return;
    }
    const fix = invalid.code === "control_character" ? "remove control characters (tab and line breaks are allowed)" : "it is not valid Unicode text";
    context.addIssue({
      code: "custom",
      message: `Line ${row.lineNumber} contains ${describeInvalidCharacter(invalid)}, so it was skipped; ${fix}.`,
      params: { code: invalid.code satisfies CorpusErrorCode },
    });
  });
export type CorpusRow = z.infer<typeof CorpusRow>;
