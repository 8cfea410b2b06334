import * as ort from "onnxruntime-node";
import { EngineOptionError, InferenceError } from "./errors.ts";

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

/** Batch plan for a list of requests, exposed for tests and logs. */
export interface BatchPlan {
  /** Request indices of each batch, shortest sequences first. */
  batches: number[][];
  /** Padded length of each batch (its longest sequence). */
  paddedLengths: number[];
}

/**
 * Runs many encoded sequences through a fill-mask ONNX session. It sorts them by length and
 * packs them into batches whose padded size (rows x longest sequence) stays within the token
 * budget, pads each batch only to its own longest sequence, and hands the requested logits
 * rows to a visitor. Batches of concurrent calls run one at a time, because parallel runs
 * would only compete for the same CPU threads. For fp32 graphs, rows depend on batch
 * composition only through float rounding (the tests require 1e-5).
 */
export class BatchRunner {
  /** Settles when the last queued batch has run; batches of concurrent calls run one at a time. */
  private tail: Promise<unknown> = Promise.resolve();
  private outputBuffer = new Float32Array(0);

  /**
   * @param session an onnxruntime session with inputs input_ids and attention_mask and output logits
   * @param vocabSize width of one logits row
   * @param maxRowsPerBatch cap on sequences per batch; 1 for graphs whose rows influence each other
   */
  constructor(
    private readonly session: ort.InferenceSession,
    readonly tokenBudget: number,
    readonly padTokenId: number,
    readonly vocabSize: number,
    readonly maxRowsPerBatch: number = Number.POSITIVE_INFINITY,
  ) {
    if (!Number.isInteger(tokenBudget) || tokenBudget < 1) {
      throw new EngineOptionError(`tokenBudget must be a positive integer; got ${tokenBudget}.`);
    }
  }

  /** Plans the batches for `requests` under this runner's token budget (see planBatches). */
  plan(requests: readonly LogitsRequest[]): BatchPlan {
    return planBatches(
      requests.map((request) => request.inputIds.length),
      this.tokenBudget,
      this.maxRowsPerBatch,
    );
  }

  /** Runs all requests and calls `visit` for every requested position; rejects with InferenceError if onnxruntime fails. */
  async run(requests: readonly LogitsRequest[], visit: LogitsVisitor): Promise<void> {
    requests.forEach((request, index) => {
      for (const position of request.positions) {
        if (!Number.isInteger(position) || position < 0 || position >= request.inputIds.length) {
          throw new RangeError(`Request ${index}: position ${position} is outside its ${request.inputIds.length} tokens.`);
        }
      }
    });
    const { batches, paddedLengths } = this.plan(requests);
    for (let b = 0; b < batches.length; b += 1) {
      const turn = this.tail.then(() => this.runBatch(requests, batches[b]!, paddedLengths[b]!, visit));
      this.tail = turn.catch(() => undefined);
      await turn;
    }
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

  /** Resolves once no batch is running or queued, e.g. before the session is released. */
  async idle(): Promise<void> {
    await this.tail;
  }

  private async runBatch(requests: readonly LogitsRequest[], batch: number[], paddedLength: number, visit: LogitsVisitor): Promise<void> {
    const rows = batch.length;
    const inputIds = new BigInt64Array(rows * paddedLength).fill(BigInt(this.padTokenId));
    const attentionMask = new BigInt64Array(rows * paddedLength);
    batch.forEach((requestIndex, row) => {
      const ids = requests[requestIndex]!.inputIds;
      for (let t = 0; t < ids.length; t += 1) {
        inputIds[row * paddedLength + t] = BigInt(ids[t]!);
        attentionMask[row * paddedLength + t] = 1n;
      }
    });

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

/**
 * Groups sequences into batches: indices sorted by length (stable), each batch as many as fit
 * in `tokenBudget` padded tokens (rows x longest length) and `maxRowsPerBatch` rows. A
 * sequence longer than the budget runs alone.
 */
export function planBatches(lengths: readonly number[], tokenBudget: number, maxRowsPerBatch = Number.POSITIVE_INFINITY): BatchPlan {
  const order = lengths.map((_, index) => index).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const batches: number[][] = [];
  const paddedLengths: number[] = [];
  let current: number[] = [];
  let currentLength = 0;
  for (const index of order) {
    const length = lengths[index]!;
    // Sorted input: the newcomer is the longest so far, so it sets the padded length.
    if (current.length > 0 && ((current.length + 1) * length > tokenBudget || current.length >= maxRowsPerBatch)) {
      batches.push(current);
      paddedLengths.push(currentLength);
      current = [];
    }
    current.push(index);
    currentLength = length;
  }
  if (current.length > 0) {
    batches.push(current);
    paddedLengths.push(currentLength);
  }
  return { batches, paddedLengths };
}
