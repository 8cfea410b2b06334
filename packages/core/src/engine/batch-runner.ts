import * as ort from "onnxruntime-node";
import { InferenceError } from "./errors.ts";
import { PlannedBatchRunner } from "./planned-batch-runner.ts";

export { BATCH_OVERHEAD_TOKENS, planBatches, type BatchPlan } from "./planned-batch-runner.ts";

/** One encoded sequence to run, and the positions whose logits the caller wants. */
export interface LogitsRequest {
  /** Token ids including <s> and </s>, at most the model's maximum sequence length. */
  inputIds: readonly number[];
  /** Positions (0 is <s>) whose logits rows are passed to the visitor, in this order. */
  positions: readonly number[];
}

/**
 * Receives one logits row: `logits` has one float per vocabulary id and is a view into the
 * batch output, valid only during the call (copy it to keep it).
 */
export type LogitsVisitor = (requestIndex: number, positionIndex: number, logits: Float32Array) => void;

/**
 * Runs many encoded sequences through a fill-mask ONNX session. It sorts them by length and
 * packs them into batches whose padded size (rows x longest sequence) stays within the token
 * budget, pads each batch only to its own longest sequence, and hands the requested logits
 * rows to a visitor. Batches of concurrent calls run one at a time, because parallel runs
 * would only compete for the same CPU threads. For fp32 graphs, rows depend on batch
 * composition only through float rounding (the tests require 1e-5).
 */
export class BatchRunner extends PlannedBatchRunner<LogitsRequest, LogitsVisitor> {
  private outputBuffer = new Float32Array(0);

  /**
   * @param session an onnxruntime session with inputs input_ids and attention_mask and output logits
   * @param vocabSize width of one logits row
   * @param maxRowsPerBatch cap on sequences per batch; 1 for graphs whose rows influence each other
   */
  constructor(
    private readonly session: ort.InferenceSession,
    tokenBudget: number,
    readonly padTokenId: number,
    readonly vocabSize: number,
    maxRowsPerBatch: number = Number.POSITIVE_INFINITY,
  ) {
    super(tokenBudget, maxRowsPerBatch);
  }

  /**
   * Returns a view of the reused logits buffer with `length` floats. onnxruntime writes into
   * it directly, which avoids allocating (and the kernel zeroing) hundreds of megabytes per
   * batch for a 50k vocabulary. The buffer grows to the largest batch seen and is kept.
   */
  private outputView(length: number): Float32Array {
    if (this.outputBuffer.length < length) {
      this.outputBuffer = new Float32Array(length);
    }
    return this.outputBuffer.subarray(0, length);
  }

  /** Drops the reused logits buffer, e.g. when the session is released. */
  releaseBuffers(): void {
    this.outputBuffer = new Float32Array(0);
  }

  protected async runBatch(requests: readonly LogitsRequest[], batch: number[], paddedLength: number, visit: LogitsVisitor): Promise<void> {
    const rows = batch.length;
    const { inputIds, attentionMask } = this.padBatch(requests, batch, paddedLength, this.padTokenId);

    const logits = this.outputView(rows * paddedLength * this.vocabSize);
    const inputs = {
      input_ids: new ort.Tensor("int64", inputIds, [rows, paddedLength]),
      attention_mask: new ort.Tensor("int64", attentionMask, [rows, paddedLength]),
    };
    try {
      await this.session.run(inputs, { logits: new ort.Tensor("float32", logits, [rows, paddedLength, this.vocabSize]) });
    } catch (error) {
      throw new InferenceError(`onnxruntime failed on a batch of ${rows} x ${paddedLength} tokens: ${(error as Error).message}. Retry, or lower the token budget if the machine ran out of memory.`);
    } finally {
      inputs.input_ids.dispose();
      inputs.attention_mask.dispose();
    }

    const vocab = this.vocabSize;
    batch.forEach((requestIndex, row) => {
      const positions = requests[requestIndex]!.positions;
      positions.forEach((position, positionIndex) => {
        const start = (row * paddedLength + position) * vocab;
        visit(requestIndex, positionIndex, logits.subarray(start, start + vocab));
      });
    });
  }
}
