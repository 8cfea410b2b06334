import type { Logger } from "pino";

/**
 * Public types of the inference engine. The worker, the CLI and the web app
 * program against these, so change them only together with every caller.
 */

/** Variant of the ONNX file to load from a model directory. */
export type ModelVariant = "fp32" | "quantized" | "fp16";

/** onnxruntime execution provider used for a session. */
export type ExecutionProviderName = "cpu" | "cuda";

export interface LoadModelOptions {
  /** Directory in the optimum layout (model.onnx) or the transformers.js layout (onnx/model.onnx). */
  modelDir: string;
  /**
   * File variant. Without it, the directory's maskfill.json `defaultVariant` applies, then
   * "fp32". A missing file for the chosen variant is an error; there is no silent fallback.
   */
  variant?: ModelVariant;
  /** Default "cpu". "cuda" needs onnxruntime-node's CUDA binaries and fails clearly without them. */
  executionProvider?: ExecutionProviderName;
  /** Intra-op threads for the CPU provider; 0 (the default) lets onnxruntime choose. */
  intraOpThreads?: number;
  /**
   * Lets idle onnxruntime intra-op threads spin between operators (onnxruntime's default); true
   * unless set. Spinning gives the best throughput on an otherwise idle machine, while false
   * saves CPU time when the cores are shared with other work.
   */
  threadSpinning?: boolean;
  /** Maximum padded tokens (batch rows x padded length) in one session.run call; default 1024. */
  tokenBudget?: number;
  /** Maximum masks in one fill-mask text, 1..512; default 16. */
  maxMasksPerText?: number;
  /** Receives load and dispose logs; default a silent logger. */
  logger?: Logger;
}

/** Identity and shape of a loaded model, as shown in the dashboard's model status. */
export interface ModelInfo {
  /** Human-readable name, from config.json `_name_or_path` or the directory name. */
  name: string;
  modelDir: string;
  /** Absolute path of the loaded .onnx file. */
  onnxPath: string;
  variant: ModelVariant;
  /** Number of weights in the graph initializers. */
  parameterCount: number;
  executionProvider: ExecutionProviderName;
  vocabSize: number;
  maskToken: string;
  /** Usable positions per sequence including <s> and </s> (512 for RoBERTa). */
  maxSequenceLength: number;
  loadMs: number;
}

export interface FillMaskRequest {
  text: string;
  /** Predictions per mask, integer in 1..vocabSize; default 5. */
  topK?: number;
  /** Restrict predictions to these candidate words (full-vocabulary probabilities). */
  targets?: string[];
  /** Drop <s>, </s>, <pad>, <unk>, <mask> from predictions; default true. */
  dropSpecialTokens?: boolean;
}

export interface Prediction {
  tokenId: number;
  /** Decoded token text, e.g. " cat" (never byte-level symbols such as "Ġ"). */
  token: string;
  /** Softmax probability over the full vocabulary. */
  probability: number;
  /** The input text with only this mask filled, other masks left as typed. */
  sequence: string;
}

/** Character span [start, end) of the input that was encoded when the input exceeded the window. */
export interface CharSpan {
  start: number;
  end: number;
}

export interface FillMaskResult {
  text: string;
  /** One list per mask, left to right, each sorted by probability, highest first. */
  masks: Prediction[][];
  /** Tokens encoded, including <s> and </s>. */
  tokenCount: number;
  /** Set when only part of a long input was encoded. */
  window: CharSpan | null;
  /** Targets that were not scored, with the reason (for example several tokens); only set when targets were given. */
  rejectedTargets?: RejectedTarget[];
}

/** A `targets` entry that could not be scored. */
export interface RejectedTarget {
  target: string;
  reason: string;
}

/** A per-request failure that leaves the other requests of the batch untouched. */
export interface EngineItemError {
  /** Stable machine-readable code, e.g. "no_mask", "too_many_masks", "invalid_top_k". */
  code: string;
  message: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: EngineItemError };

export type ScoreVariant = "original" | "within_word_l2r";

export interface ScoreRequest {
  text: string;
  variant?: ScoreVariant;
  /**
   * Scores only the tokens at these positions, so that a long text can be scored in parts
   * (see mergeScoreParts). Every token keeps the context it has when the whole text is scored.
   */
  tokenRange?: TokenRange;
}

/**
 * Token positions [start, end), numbered as TokenScore.position: 1 is the first token after
 * <s>. An end past the text's last token stops at it, as Array.prototype.slice does.
 */
export interface TokenRange {
  start: number;
  end: number;
}

/** The tokens that a score request with a tokenRange scored, out of how many the text has. */
export interface ScorePart extends TokenRange {
  /** Tokens of the whole text, without <s> and </s>. */
  textTokenCount: number;
}

export interface TokenScore {
  /** Position in the encoded sequence (0 is <s>). */
  position: number;
  tokenId: number;
  token: string;
  /** Index of the word this token belongs to, from the tokenizer's word boundaries. */
  wordIndex: number;
  /** Natural-log probability of the original token at its masked position. */
  logProb: number;
}

export interface ScoreResult {
  text: string;
  variant: ScoreVariant;
  /** Pseudo-log-likelihood: sum of the token log-probabilities. */
  pll: number;
  tokenCount: number;
  meanPll: number;
  /** exp(-pll / tokenCount). */
  pseudoPerplexity: number;
  tokens: TokenScore[];
  window: CharSpan | null;
  /**
   * Set only for a request with a tokenRange. Then `tokens` contains the tokens in the range, and
   * `pll`, `tokenCount`, `meanPll` and `pseudoPerplexity` are computed over those tokens alone.
   */
  part?: ScorePart;
}
