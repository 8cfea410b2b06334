import { parseCsv } from "./csv.ts";
import { CorpusFileError } from "./errors.ts";
import type { CorpusErrorEvent, CorpusEvent, CorpusSummary, FormatEvent } from "./events.ts";
import { parseJsonl } from "./jsonl.ts";
import type { CorpusObserver } from "./observer.ts";
import { resolveCorpusOptions, type CorpusOptions, type ResolvedCorpusOptions } from "./options.ts";
import { readLines, type CorpusInput } from "./read-lines.ts";
import { findRowTextProblem } from "./row-schema.ts";
import { parseTxt } from "./txt.ts";

function formatEvents(input: CorpusInput, options: ResolvedCorpusOptions, observer: CorpusObserver): AsyncGenerator<FormatEvent> {
  const lines = readLines(input, options.limits.maxLineLength, options.fileName);
  switch (options.format) {
    case "txt":
      return parseTxt(lines);
    case "jsonl":
      return parseJsonl(lines, options.field, observer);
    case "csv":
      return parseCsv(lines, options, observer);
  }
}

/** Checks the text of a row with the CorpusRow rules and turns a broken rule into the matching error event. */
function validateRow(event: FormatEvent): FormatEvent {
  if (event.type !== "row") {
    return event;
  }
  const problem = findRowTextProblem(event.text, event.lineNumber);
  return problem === undefined ? event : { type: "error", lineNumber: event.lineNumber, ...problem };
}

/**
 * Runs a parse with already resolved options, applying maxRows and maxErrors and counting the
 * summary. `observer` receives what only the preview needs.
 */
export async function* runCorpusParse(
  input: CorpusInput,
  options: ResolvedCorpusOptions,
  observer: CorpusObserver,
): AsyncGenerator<CorpusEvent> {
  const { maxRows, maxErrors } = options.limits;
  const summary: CorpusSummary = { rows: 0, blankLines: 0, errors: 0, errorCounts: {}, lastLineNumber: 0, stoppedBy: null };
  const countError = (event: CorpusErrorEvent): CorpusErrorEvent => {
    summary.errors += 1;
    summary.errorCounts[event.code] = (summary.errorCounts[event.code] ?? 0) + 1;
    return event;
  };

  for await (const raw of formatEvents(input, options, observer)) {
    const event = validateRow(raw);
    summary.lastLineNumber = Math.max(summary.lastLineNumber, event.lineNumber);

    if (event.type === "skipped") {
      summary.blankLines += 1;
      yield event;
    } else if (event.type === "row") {
      if (summary.rows >= maxRows) {
        summary.stoppedBy = "max_rows";
        yield countError({
          type: "error",
          lineNumber: event.lineNumber,
          code: "too_many_rows",
          params: { limit: maxRows },
          message: `Line ${event.lineNumber} contains row ${maxRows + 1}, more than limits.maxRows (${maxRows}), so parsing stopped here; split the file into files of at most ${maxRows} rows.`,
        });
        break;
      }
      summary.rows += 1;
      yield event;
    } else {
      // Only a file that is mostly errors stops: a large corpus with a few percent of bad lines goes on.
      if (summary.errors >= maxErrors && summary.errors >= summary.rows) {
        summary.stoppedBy = "max_errors";
        yield countError({
          type: "error",
          lineNumber: event.lineNumber,
          code: "too_many_errors",
          params: { limit: maxErrors },
          message: `Line ${event.lineNumber} contains error ${summary.errors + 1}: more than limits.maxErrors (${maxErrors}) errors and fewer rows than errors, so parsing stopped here; check that the file format and options are right.`,
        });
        break;
      }
      yield countError(event);
    }
  }

  if (summary.rows === 0 && summary.errors === 0) throw emptyCorpusError(summary.blankLines, options.fileName);
  yield { type: "end", summary };
}

/** Builds the error for a file without any line of text, which would make a job with nothing to run. */
function emptyCorpusError(blankLines: number, fileName: string | undefined): CorpusFileError {
  const file = fileName === undefined ? "The file" : `The file ${JSON.stringify(fileName)}`;
  const contents = blankLines === 0 ? "is empty" : `has only ${blankLines} blank line${blankLines === 1 ? "" : "s"}`;
  return new CorpusFileError("empty_corpus", { fileName: fileName ?? null, blankLines }, `${file} ${contents}; add one sentence per line (or one row per sentence) and upload it again.`);
}

/**
 * Parses a corpus as a stream: it keeps at most one line (or one CSV record) and never the
 * whole file. Yields row, skipped and error events in source order, then one end event with the
 * summary. Throws CorpusOptionsError for invalid options and CorpusFileError, before any row,
 * when the file as a whole is unusable (binary, missing CSV column), or at its end when it has
 * no line of text.
 */
export async function* parseCorpus(input: CorpusInput, options: CorpusOptions): AsyncGenerator<CorpusEvent> {
  const resolved = resolveCorpusOptions(options);
  yield* runCorpusParse(input, resolved, {});
}
