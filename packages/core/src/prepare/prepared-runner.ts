import * as ort from "onnxruntime-node";
import { InferenceError } from "../engine/errors.ts";
import { PlannedBatchRunner } from "../engine/planned-batch-runner.ts";
import { PreparedIo } from "./prepared-io.ts";

/** One encoded sequence for a prepared graph and what to read at each of its positions. */
export interface PreparedRequest {
  /** Token ids including <s> and </s>, at most the model's maximum sequence length. */
  inputIds: readonly number[];
  /** Positions (0 is <s>) to read, in the order the visitor receives them. */
  positions: readonly number[];
  /** Most probable ids to return per position; 0 when only target log-probabilities are needed. */
  topK: number;
  /** Token ids whose log-probabilities to return, one list per position; omit for none. */
  targetIds?: readonly (readonly number[])[];
}

/** Outputs of a prepared graph for one position; the arrays are copies owned by the caller. */
export interface PreparedRow {
  /** The topK most probable ids, highest first (ties: lower id first). */
  topIds: number[];
  /** Full-vocabulary softmax probabilities of topIds. */
  topProbabilities: number[];
  /** Natural-log softmax of each requested target id, in request order. */
  targetLogProbs: number[];
}

/** Receives the row of one requested position. */
export type PreparedVisitor = (requestIndex: number, positionIndex: number, row: PreparedRow) => void;

/**
 * Runs encoded sequences through a prepared graph (see `maskfill model prepare`) in the same
 * length-sorted batches under a token budget as BatchRunner. The session computes the LM head
 * only at the requested positions and returns top-k and target log-probabilities instead of
 * full logits. Batches of concurrent calls run one at a time.
 */
export class PreparedRunner extends PlannedBatchRunner<PreparedRequest, PreparedVisitor> {
  /**
   * @param session an onnxruntime session of a prepared graph
   * @param vocabSize number of ids the model predicts; topK and target ids must stay below it
   * @param maxRowsPerBatch cap on sequences per batch; 1 for int8 graphs, whose activation scale is shared by all rows
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

  /** Throws RangeError for a position, topK or target id out of range. */
  protected override checkRequest(request: PreparedRequest, index: number): void {
    super.checkRequest(request, index);
    if (!Number.isInteger(request.topK) || request.topK < 0 || request.topK > this.vocabSize) {
      throw new RangeError(`Request ${index}: topK must be an integer from 0 to the vocabulary size ${this.vocabSize}; got ${request.topK}.`);
    }
    if (request.targetIds === undefined) {
      return;
    }
    if (request.targetIds.length !== request.positions.length) {
      throw new RangeError(`Request ${index}: targetIds has ${request.targetIds.length} lists but there are ${request.positions.length} positions; pass one list per position.`);
    }
    for (const id of request.targetIds.flat()) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
        throw new RangeError(`Request ${index}: target id ${id} is outside the vocabulary (0 to ${this.vocabSize - 1}).`);
      }
    }
  }

  protected async runBatch(requests: readonly PreparedRequest[], batch: number[], paddedLength: number, visit: PreparedVisitor): Promise<void> {
    const rows = batch.length;
    const { inputIds, attentionMask } = this.padBatch(requests, batch, paddedLength, this.padTokenId);
    const flatPositions: bigint[] = [];
    let topK = 1;
    let targetWidth = 1;
    batch.forEach((requestIndex, row) => {
      const request = requests[requestIndex]!;
      request.positions.forEach((position) => flatPositions.push(BigInt(row * paddedLength + position)));
      topK = Math.max(topK, request.topK);
      for (const targets of request.targetIds ?? []) {
        targetWidth = Math.max(targetWidth, targets.length);
      }
    });
    if (flatPositions.length === 0) {
      return;
    }

    // Rows with fewer targets are padded with id 0, and the visitor receives only the requested ones.
    const targetIds = new BigInt64Array(flatPositions.length * targetWidth);
    let slot = 0;
    for (const requestIndex of batch) {
      const request = requests[requestIndex]!;
      request.positions.forEach((_, positionIndex) => {
        (request.targetIds?.[positionIndex] ?? []).forEach((id, t) => {
          targetIds[slot * targetWidth + t] = BigInt(id);
        });
        slot += 1;
      });
    }

    const feeds = {
      input_ids: new ort.Tensor("int64", inputIds, [rows, paddedLength]),
      attention_mask: new ort.Tensor("int64", attentionMask, [rows, paddedLength]),
      [PreparedIo.positions]: new ort.Tensor("int64", BigInt64Array.from(flatPositions), [flatPositions.length]),
      [PreparedIo.topK]: new ort.Tensor("int64", BigInt64Array.of(BigInt(topK)), [1]),
      [PreparedIo.targetIds]: new ort.Tensor("int64", targetIds, [flatPositions.length, targetWidth]),
    };
    let output: ort.InferenceSession.ReturnType;
    try {
      output = await this.session.run(feeds, [PreparedIo.topKProbs, PreparedIo.topKIds, PreparedIo.targetLogProbs]);
    } catch (error) {
      throw new InferenceError(`onnxruntime failed on a prepared batch of ${rows} x ${paddedLength} tokens: ${(error as Error).message}. Retry, or lower the token budget if the machine ran out of memory.`);
    } finally {
      Object.values(feeds).forEach((tensor) => tensor.dispose());
    }

    const probabilities = output[PreparedIo.topKProbs]!.data as Float32Array;
    const ids = output[PreparedIo.topKIds]!.data as BigInt64Array;
    const logProbs = output[PreparedIo.targetLogProbs]!.data as Float32Array;
    slot = 0;
    for (const requestIndex of batch) {
      const request = requests[requestIndex]!;
      request.positions.forEach((_, positionIndex) => {
        const topIds: number[] = [];
        const topProbabilities: number[] = [];
        for (let j = 0; j < request.topK; j += 1) {
          topIds.push(Number(ids[slot * topK + j]!));
          topProbabilities.push(probabilities[slot * topK + j]!);
        }
        const targetCount = request.targetIds?.[positionIndex]?.length ?? 0;
        const targetLogProbs = Array.from(logProbs.subarray(slot * targetWidth, slot * targetWidth + targetCount));
        visit(requestIndex, positionIndex, { topIds, topProbabilities, targetLogProbs });
        slot += 1;
      });
    }
    Object.values(output).forEach((tensor) => tensor.dispose());
  }
}
