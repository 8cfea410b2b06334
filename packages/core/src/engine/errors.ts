/**
 * Raised when a model directory cannot be loaded: a missing file, invalid JSON, an unreadable
 * ONNX graph or a graph with unexpected inputs. The files must change first, so retrying cannot help.
 */
export class ModelLoadError extends Error {
  override readonly name = "ModelLoadError";
  readonly retryable = false;
}

/**
 * Raised when an engine option is invalid (for example a token budget of 0). The caller must
 * fix the option, so retrying cannot help.
 */
export class EngineOptionError extends Error {
  override readonly name = "EngineOptionError";
  readonly retryable = false;
}

/**
 * Raised when onnxruntime fails while running a batch (for example out of memory). The inputs
 * were valid, so a retry with a smaller token budget or on a less busy machine can help.
 */
export class InferenceError extends Error {
  override readonly name = "InferenceError";
  readonly retryable = true;
}

/** Raised when the engine is used after `dispose()`; load a new engine instead of retrying. */
export class EngineDisposedError extends Error {
  override readonly name = "EngineDisposedError";
  readonly retryable = false;
}
