import type { CsvLayout } from "./csv-layout.ts";

/** CSV layout as the preview reports it, with a null `column` when the requested column is not in the file. */
export type CsvLayoutInfo = Omit<CsvLayout, "column"> & { column: number | null };

/** Hooks that let the preview see what the row events do not carry. */
export interface CorpusObserver {
  /** Called once per CSV file before the first row, also when the requested column is rejected. */
  onCsvLayout?(layout: CsvLayoutInfo): void;
  /** Called for every JSONL line that parsed as an object, with its top-level keys. */
  onJsonKeys?(keys: string[]): void;
}
