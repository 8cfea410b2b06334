import type {
  FillMaskRequest,
  FillMaskResult,
  LoadModelOptions,
  ModelInfo,
  Outcome,
  ScoreRequest,
  ScoreResult,
} from "@maskfill/core/engine";

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
  /** True when the model is the bundled mini-roberta demo model. */
  demoModel: boolean;
}

/** Outcomes of one inference call and how many onnxruntime session runs it took. */
export interface InferenceReply<R> {
  outcomes: Outcome<R>[];
  sessionRuns: number;
}

export type ThreadValue = LoadedModel | InferenceReply<FillMaskResult> | InferenceReply<ScoreResult> | null;

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
