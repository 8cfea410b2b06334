import { z } from "zod";
import type { CorpusErrorCode } from "./events.ts";
import { CONTROL_CHARACTER, LONE_SURROGATE } from "./text-characters.ts";

function codePointLabel(character: string): string {
  const codePoint = character.codePointAt(0) ?? 0;
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}`;
}

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
    const control = CONTROL_CHARACTER.exec(row.text);
    if (control !== null) {
      context.addIssue({
        code: "custom",
        message: `Line ${row.lineNumber} contains the control character ${codePointLabel(control[0])} at character ${control.index + 1}, so it was skipped; remove control characters (tab and line breaks are allowed).`,
        params: { code: "control_character" satisfies CorpusErrorCode },
      });
      return;
    }
    const surrogate = LONE_SURROGATE.exec(row.text);
    if (surrogate !== null) {
      context.addIssue({
        code: "custom",
        message: `Line ${row.lineNumber} contains the unpaired surrogate ${codePointLabel(surrogate[0])} at character ${surrogate.index + 1}, so it was skipped; it is not valid Unicode text.`,
        params: { code: "invalid_unicode" satisfies CorpusErrorCode },
      });
    }
  });
export type CorpusRow = z.infer<typeof CorpusRow>;
