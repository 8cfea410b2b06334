/**
 * JSON shapes returned by the HTTP API. Route handlers map queue and database records onto these,
 * so the browser code does not depend on the storage layout.
 */

import type { CorpusFileProblem, LocatedRowProblem } from "@maskfill/core/corpus";

export interface PredictionView {
  tokenId: number;
  token: string;
  probability: number;
  sequence: string;
}

export interface FillMaskView {
  text: string;
  masks: PredictionView[][];
  tokenCount: number;
  window: { start: number; end: number } | null;
}

export interface PredictResponse {
  jobId: string;
  result: FillMaskView;
  /** Time from the request's arrival to the result, in milliseconds. */
  latencyMs: number;
}

export type WorkerStatus = "loading" | "ready" | "error" | "idle" | "stopping";

export interface WorkerView {
  id: string;
  hostname: string;
  pid: number | null;
  status: WorkerStatus;
  error: string | null;
  model: {
    name: string;
    modelDir: string;
    variant: string;
    parameterCount: number;
    executionProvider: string;
    device: string;
    /** True for the bundled mini-roberta demo model, whose predictions are rough. */
    demoModel: boolean;
  } | null;
  loadMs: number | null;
  /** Sentences per second over the worker's recent window. */
  throughput: number | null;
  sentencesProcessed: number;
  lastSeenAt: string | null;
}

export interface WorkersResponse {
  workers: WorkerView[];
}

export type JobStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

export interface JobView {
  id: string;
  kind: string;
  source: "sentence" | "corpus";
  status: JobStatus;
  fileName: string | null;
  fileSize: number | null;
  /** The input text of a single-sentence job; null for corpus jobs. */
  sentence: string | null;
  total: number;
  done: number;
  failed: number;
  /** Fill-mask jobs use topK and targets; score jobs use variant (null for fill-mask jobs). */
  options: { topK: number; targets: string[] | null; variant: string | null };
  model: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Items per second since the job started; null before the first item. */
  throughput: number | null;
  /** Estimated seconds to completion; null when unknown or finished. */
  etaSeconds: number | null;
}

export interface Page<T> {
  rows: T[];
  /** Opaque cursor of the next page; null on the last page. */
  nextCursor: string | null;
}

export interface ResultRowView {
  itemId: string;
  lineNumber: number;
  text: string;
  status: "pending" | "completed" | "failed";
  error: string | null;
  /** Code of `error`: a corpus parser code such as "invalid_utf8", or an engine code. */
  errorCode: string | null;
  masks: PredictionView[][];
  topToken: string | null;
  topProbability: number | null;
}

export interface UploadView {
  uploadId: string;
  fileName: string;
  size: number;
  format: "txt" | "jsonl" | "csv";
}

export interface PreviewView {
  format: "txt" | "jsonl" | "csv";
  rows: { lineNumber: number; text: string }[];
  /** Row errors with the parser's code and params; `message` is written in the request's language. */
  errors: LocatedRowProblem[];
  blankLines: number;
  /** CSV header names or JSONL top-level keys, for the column or field picker. */
  columns: string[];
  hasHeader: boolean | null;
  /** CSV: 0-based index of the column the parser reads, or null when the chosen one is missing. */
  selectedColumn: number | null;
  /**
   * Problem that makes the whole file unusable with these settings (binary data, an unknown
   * column) with the parser's code and params, or null. `message` is in the request's language.
   */
  fileError: CorpusFileProblem | null;
}

export interface ApiErrorBody {
  error: { code: string; message: string; field?: string; retryable: boolean };
}
