import type {
  FillMaskRequest,
  FillMaskResult,
  LoadModelOptions,
  ModelInfo,
  Outcome,
  ScoreRequest,
  ScoreResult,
} from "@maskfill/core";

/** Messages from the worker's main thread to the inference thread. */
export type ThreadRequest =
  | { type: "load"; id: number; options: LoadModelOptions }
  | { type: "fill-mask"; id: number; requests: FillMaskRequest[] }
  | { type: "score"; id: number; requests: ScoreRequest[] }
  | { type: "dispose"; id: number };

/** Result of a successful load: the model and how long its first inference took. */
export interface LoadedModel {
  info: ModelInfo;
  warmupMs: number;
}

export type ThreadValue = LoadedModel | Outcome<FillMaskResult>[] | Outcome<ScoreResult>[] | null;

/** An error crossing the thread boundary, with the fields a retry decision needs. */
export interface SerializedError {
  name: string;
  message: string;
  retryable: boolean;
}

/** Replies of the inference thread, matched to requests by id. */
export type ThreadReply =
  | { type: "reply"; id: number; ok: true; value: ThreadValue }
  | { type: "reply"; id: number; ok: false; error: SerializedError };
