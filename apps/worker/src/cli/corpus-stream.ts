import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { parseCorpus } from "@maskfill/core";
import type { CorpusArgs } from "./corpus-args.ts";
import { ProgressBar, type ProgressStream } from "./progress-bar.ts";

/** Settings of one corpus run that do not depend on the command. */
export interface CorpusStreamOptions extends CorpusArgs {
  inputPath: string;
  /** Rows per engine call. Memory stays proportional to it, not to the file. */
  chunkSize: number;
  /** Progress output, or null for none. */
  progress: ProgressStream | null;
}

/** A corpus row waiting for the engine; `line` is 1-based. */
export interface CorpusRow {
  line: number;
  text: string;
}

/** Output record of a line that the corpus parser skipped or rejected. */
export type CorpusParserRecord = { line: number; skipped: "blank" } | { line: number; error: { code: string; message: string } };

/** Command-specific steps of a corpus run. */
export interface CorpusStreamHandlers<R> {
  /** Runs the engine on one chunk and returns one output record per row, in row order. */
  processRows(rows: CorpusRow[]): Promise<R[]>;
  /** Counts a line that the parser skipped as blank. */
  onBlank(line: number): void;
  /** Counts a line that the parser rejected; its error record is written for it. */
  onParserError(line: number): void;
}

type Entry<R> = { record: R | CorpusParserRecord } | CorpusRow;

/**
 * Streams a corpus file through `handlers.processRows` and writes one JSON line per input line,
 * in input order: a row's record, an error with the line number, or a skipped blank line. At
 * most `chunkSize` rows wait for the engine at a time (and at most 4 × `chunkSize` lines in all),
 * and writing waits for the output to drain, so memory does not grow with the file.
 */
export async function streamCorpus<R>(options: CorpusStreamOptions, output: Writable, handlers: CorpusStreamHandlers<R>): Promise<void> {
  const totalBytes = (await stat(options.inputPath)).size;
  const progress = options.progress === null ? null : new ProgressBar(options.progress, totalBytes);
  let bytesRead = 0;
  let linesWritten = 0;

  async function* countedBytes(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(options.inputPath)) {
      bytesRead += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }

  let entries: Entry<R>[] = [];
  let waitingRows = 0;
  const flush = async (): Promise<void> => {
    const rows = entries.filter((entry): entry is CorpusRow => "text" in entry);
    const rowRecords = await handlers.processRows(rows);
    let rowIndex = 0;
    for (const entry of entries) {
      const record = "record" in entry ? entry.record : rowRecords[rowIndex++];
      if (!output.write(`${JSON.stringify(record)}\n`)) {
        await once(output, "drain");
      }
    }
    linesWritten += entries.length;
    entries = [];
    waitingRows = 0;
    progress?.update(bytesRead, linesWritten);
  };

  const corpusOptions = {
    format: options.format,
    fileName: options.inputPath,
    ...(options.field === undefined ? {} : { field: options.field }),
    ...(options.column === undefined ? {} : { column: options.column }),
    ...(options.header === undefined ? {} : { header: options.header }),
  };
  for await (const event of parseCorpus(countedBytes(), corpusOptions)) {
    if (event.type === "row") {
      entries.push({ line: event.lineNumber, text: event.text });
      waitingRows += 1;
    } else if (event.type === "skipped") {
      entries.push({ record: { line: event.lineNumber, skipped: "blank" } });
      handlers.onBlank(event.lineNumber);
    } else if (event.type === "error") {
      entries.push({ record: { line: event.lineNumber, error: { code: event.code, message: event.message } } });
      handlers.onParserError(event.lineNumber);
    }
    if (waitingRows >= options.chunkSize || entries.length >= 4 * options.chunkSize) {
      await flush();
    }
  }
  await flush();
  progress?.finish(linesWritten);
}
