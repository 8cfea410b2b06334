/**
 * Names of the inputs and outputs that `maskfill model prepare` adds to a fill-mask graph. The
 * prepared graph keeps input_ids and attention_mask and replaces the logits output with these.
 */
export const PreparedIo = {
  /** int64 [num_positions]: flat indices row * padded_length + position of the rows to read. */
  positions: "gather_positions",
  /** int64 [1]: how many of the most probable ids to return per position. */
  topK: "top_k",
  /** int64 [num_positions, num_targets]: token ids whose log-probabilities to return. */
  targetIds: "target_ids",
  /** float [num_positions, top_k]: full-vocabulary softmax probabilities, highest first. */
  topKProbs: "top_k_probs",
  /** int64 [num_positions, top_k]: the ids of those probabilities (ties: lower id first). */
  topKIds: "top_k_ids",
  /** float [num_positions, num_targets]: natural-log softmax of each target id. */
  targetLogProbs: "target_log_probs",
} as const;

/** Prefix of the tensors the rewriter creates inside the graph. */
export const INTERNAL_PREFIX = "maskfill_prepared/";

/** Metadata key stored in the prepared ModelProto, with the record format version as value. */
export const PREPARED_METADATA_KEY = "maskfill.prepared";

/** Version of the prepared graph layout and record; bump it when either changes. */
export const PREPARED_FORMAT_VERSION = 1;

/** Returns the prepared file name for an ONNX file: model.onnx becomes model.prepared.onnx. */
export function preparedFileName(onnxFileName: string): string {
  return onnxFileName.replace(/\.onnx$/u, "") + ".prepared.onnx";
}

/** Returns the record file name for an ONNX file: model.onnx becomes model.prepared.json. */
export function preparedRecordFileName(onnxFileName: string): string {
  return onnxFileName.replace(/\.onnx$/u, "") + ".prepared.json";
}
