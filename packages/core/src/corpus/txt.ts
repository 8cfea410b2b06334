import type { FormatEvent } from "./events.ts";
import type { SourceLine } from "./line-splitter.ts";

/** Turns each line of a .txt corpus into one row; whitespace-only lines are skipped as blank. */
export async function* parseTxt(lines: AsyncIterable<SourceLine>): AsyncGenerator<FormatEvent> {
  for await (const line of lines) {
    if (line.problem !== null) {
      yield { type: "error", lineNumber: line.lineNumber, ...line.problem };
    } else if (line.text.trim() === "") {
      yield { type: "skipped", lineNumber: line.lineNumber, reason: "blank" };
    } else {
      yield { type: "row", lineNumber: line.lineNumber, text: line.text };
    }
  }
}
