import { excerptOf } from "@maskfill/core/scoring";
import type { Translator } from "../i18n/translate.ts";

/**
 * Describes an engine rejection of a sentence to score in the request's language. The engine's
 * `text_too_long` message is English, so it is rebuilt here from its token counts and the same
 * excerpt the engine quotes. Other codes keep the engine's English message.
 */
export function describeScoreError(error: { code: string; message: string }, text: string, t: Translator): string {
  if (error.code !== "text_too_long") return error.message;
  // NOTE: the engine error carries its token counts only inside the English message, so they are
  // read back from it. If that wording changes, the engine message is returned unchanged.
  const counts = /has (\d+) tokens; at most (\d+)/.exec(error.message);
  if (counts === null) return error.message;
  return t("scoring.textTooLong", { excerpt: JSON.stringify(excerptOf(text)), tokens: Number(counts[1]), limit: Number(counts[2]) });
}
