import type { FillMaskResult, Outcome } from "@maskfill/core";
import { escapeControlCharacters, terminalText } from "./terminal-text.ts";

/** One output record of `maskfill fill --input`: a result, an error or a skipped blank line. */
export type FillLine =
  | { line: number; text: string; masks: FillMaskResult["masks"]; tokenCount: number; window: FillMaskResult["window"]; rejectedTargets?: FillMaskResult["rejectedTargets"] }
  | { line: number; text?: string; error: { code: string; message: string } }
  | { line: number; skipped: "blank" };

/** Builds the output record of one engine outcome (line numbers are 1-based, as in editors). */
export function toFillLine(line: number, text: string, outcome: Outcome<FillMaskResult>): FillLine {
  if (!outcome.ok) {
    return { line, text, error: outcome.error };
  }
  const { masks, tokenCount, window, rejectedTargets } = outcome.value;
  return rejectedTargets === undefined ? { line, text, masks, tokenCount, window } : { line, text, masks, tokenCount, window, rejectedTargets };
}

/**
 * Formats one result as a text table: one block per mask with rank, token (JSON-quoted so
 * leading spaces show), probability and the filled sentence. Control characters in user text
 * are escaped and long sentences are cut (see terminalText).
 */
export function formatTable(result: FillMaskResult): string {
  const lines = [terminalText(result.text)];
  if (result.window !== null) {
    lines.push(`(input longer than the model window: characters ${result.window.start}-${result.window.end} were used)`);
  }
  result.masks.forEach((predictions, maskIndex) => {
    lines.push("", `mask ${maskIndex + 1} of ${result.masks.length}`);
    const tokens = predictions.map((p) => escapeControlCharacters(JSON.stringify(p.token)));
    const tokenWidth = Math.max(5, ...tokens.map((t) => t.length));
    lines.push(`  ${"rank".padEnd(4)}  ${"token".padEnd(tokenWidth)}  ${"probability".padStart(11)}  sequence`);
    predictions.forEach((p, rank) => {
      lines.push(`  ${String(rank + 1).padEnd(4)}  ${tokens[rank]!.padEnd(tokenWidth)}  ${p.probability.toFixed(4).padStart(11)}  ${terminalText(p.sequence)}`);
    });
  });
  for (const rejected of result.rejectedTargets ?? []) {
    lines.push(`target ${escapeControlCharacters(JSON.stringify(rejected.target))} not scored: ${escapeControlCharacters(rejected.reason)}`);
  }
  return `${lines.join("\n")}\n`;
}
