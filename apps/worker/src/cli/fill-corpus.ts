import type { Writable } from "node:stream";
import type { Engine, FillMaskRequest } from "@maskfill/core";
import { streamCorpus, type CorpusStreamOptions } from "./corpus-stream.ts";
import { toFillLine, type FillLine } from "./fill-format.ts";

/** Settings of one corpus run. */
export interface FillCorpusOptions extends CorpusStreamOptions {
  /** Request fields applied to every row (topK, targets, dropSpecialTokens). */
  request: Omit<FillMaskRequest, "text">;
}

/** Counts of one corpus run. */
export interface FillCorpusSummary {
  filled: number;
  failed: number;
  blank: number;
}

/**
 * Streams a corpus file through the engine and writes one JSON line per input line, in input
 * order: a result, an error (with the line number) or a skipped blank line. At most `chunkSize`
 * rows are held at a time, and writing waits for the output to drain.
 */
export async function fillCorpus(engine: Engine, options: FillCorpusOptions, output: Writable): Promise<FillCorpusSummary> {
  const summary: FillCorpusSummary = { filled: 0, failed: 0, blank: 0 };
  const { request, ...streamOptions } = options;
  await streamCorpus<FillLine>(streamOptions, output, {
    processRows: async (rows) => {
      const outcomes = await engine.fillMask(rows.map((row) => ({ ...request, text: row.text })));
      return rows.map((row, i) => {
        if (outcomes[i]!.ok) summary.filled += 1;
        else summary.failed += 1;
        return toFillLine(row.line, row.text, outcomes[i]!);
      });
    },
    onBlank: () => {
      summary.blank += 1;
    },
    onParserError: () => {
      summary.failed += 1;
    },
  });
  return summary;
}
