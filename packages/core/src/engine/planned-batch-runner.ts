import { EngineOptionError } from "./errors.ts";

/** An encoded sequence and the positions the caller wants read from it. */
export interface PositionedRequest {
  /** Token ids including <s> and </s>, at most the model's maximum sequence length. */
  inputIds: readonly number[];
  /** Positions (0 is <s>) to read, in the order the visitor receives them. */
  positions: readonly number[];
}

/** Batch plan for a list of requests, exposed for tests and logs. */
export interface BatchPlan {
  /** Request indices of each batch, shortest sequences first. */
  batches: number[][];
  /** Padded length of each batch (its longest sequence). */
  paddedLengths: number[];
}

/** Padded input tensors of one batch, row-major: rows x padded length. */
export interface PaddedBatch {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
}

/**
 * Shared part of BatchRunner and PreparedRunner. It checks the token budget, plans
 * length-sorted batches under it and pads each batch. Batches of concurrent calls run one at a
 * time, because parallel runs would only compete for the same CPU threads. Subclasses run one
 * batch through their session.
 */
export abstract class PlannedBatchRunner<Request extends PositionedRequest, Visitor> {
  /** Settles when the last queued batch has run; batches of concurrent calls run one at a time. */
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * @param tokenBudget maximum padded tokens (rows x longest sequence) per batch
   * @param maxRowsPerBatch cap on sequences per batch
   */
  constructor(
    readonly tokenBudget: number,
    readonly maxRowsPerBatch: number,
  ) {
    if (!Number.isInteger(tokenBudget) || tokenBudget < 1) {
      throw new EngineOptionError(`tokenBudget must be a positive integer; got ${tokenBudget}.`);
    }
  }

  /** Plans the batches for `requests` under this runner's token budget (see planBatches). */
  plan(requests: readonly Request[]): BatchPlan {
    return planBatches(
      requests.map((request) => request.inputIds.length),
      this.tokenBudget,
      this.maxRowsPerBatch,
    );
  }

  /**
   * Checks every request, then runs all batches and calls `visit` once per requested position.
   * Throws RangeError from checkRequest before running anything, and rejects with InferenceError
   * if onnxruntime fails on a batch.
   */
  async run(requests: readonly Request[], visit: Visitor): Promise<void> {
    requests.forEach((request, index) => this.checkRequest(request, index));
    const { batches, paddedLengths } = this.plan(requests);
    for (let b = 0; b < batches.length; b += 1) {
      const turn = this.tail.then(() => this.runBatch(requests, batches[b]!, paddedLengths[b]!, visit));
      this.tail = turn.catch(() => undefined);
      await turn;
    }
  }

  /** Resolves once no batch is running or queued, e.g. before the session is released. */
  async idle(): Promise<void> {
    await this.tail;
  }

  /** Throws RangeError when a position lies outside the request's tokens; subclasses add their own checks. */
  protected checkRequest(request: Request, index: number): void {
    for (const position of request.positions) {
      if (!Number.isInteger(position) || position < 0 || position >= request.inputIds.length) {
        throw new RangeError(`Request ${index}: position ${position} is outside its ${request.inputIds.length} tokens.`);
      }
    }
  }

  /** Builds the input ids (padded with `padTokenId`) and attention mask of one batch. */
  protected padBatch(requests: readonly Request[], batch: readonly number[], paddedLength: number, padTokenId: number): PaddedBatch {
    const inputIds = new BigInt64Array(batch.length * paddedLength).fill(BigInt(padTokenId));
    const attentionMask = new BigInt64Array(batch.length * paddedLength);
    batch.forEach((requestIndex, row) => {
      const ids = requests[requestIndex]!.inputIds;
      for (let t = 0; t < ids.length; t += 1) {
        inputIds[row * paddedLength + t] = BigInt(ids[t]!);
        attentionMask[row * paddedLength + t] = 1n;
      }
    });
    return { inputIds, attentionMask };
  }

  /** Runs one planned batch and calls `visit` for each of its requested positions. */
  protected abstract runBatch(requests: readonly Request[], batch: number[], paddedLength: number, visit: Visitor): Promise<void>;
}

/**
 * Fixed cost of one batch, counted in padded tokens, that the planner weighs against padding.
 * Measured with onnxruntime 1.31 on 2 AMD EPYC cores, a roberta-large-shaped prepared graph ran
 * 1 x 18 tokens in 290 ms and 8 x 18 in 1,553 ms (about 11 ms per token). So a batch costs about
 * 9 tokens beyond its padded size there, and on the small bundled model the session call itself
 * weighs more. 32 keeps tiny batches rare without giving back much padding.
 */
export const BATCH_OVERHEAD_TOKENS = 32;

/**
 * Groups sequences into batches. Indices are sorted by length (stable) and split into runs of
 * consecutive lengths that fit in `tokenBudget` padded tokens (rows x longest length) and
 * `maxRowsPerBatch` rows. Among those splits it picks the one with the fewest padded tokens
 * plus BATCH_OVERHEAD_TOKENS per batch, so a few long sequences get a batch of their own instead
 * of padding many short ones. A sequence longer than the budget runs alone.
 */
export function planBatches(lengths: readonly number[], tokenBudget: number, maxRowsPerBatch = Number.POSITIVE_INFINITY): BatchPlan {
  const order = lengths.map((_, index) => index).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const count = order.length;
  // cost[end]: the cheapest split of the `end` shortest sequences; start[end]: where its last batch begins.
  const cost = new Float64Array(count + 1);
  const start = new Int32Array(count + 1);
  for (let end = 1; end <= count; end += 1) {
    const paddedLength = lengths[order[end - 1]!]!;
    let best = Number.POSITIVE_INFINITY;
    for (let begin = end - 1; begin >= 0; begin -= 1) {
      const rows = end - begin;
      if (rows > 1 && (rows * paddedLength > tokenBudget || rows > maxRowsPerBatch)) break;
      const candidate = cost[begin]! + rows * paddedLength + BATCH_OVERHEAD_TOKENS;
      // "<=" keeps the larger batch on ties, because begin only decreases.
      if (candidate <= best) {
        best = candidate;
        start[end] = begin;
      }
    }
    cost[end] = best;
  }

  const batches: number[][] = [];
  const paddedLengths: number[] = [];
  for (let end = count; end > 0; end = start[end]!) {
    batches.push(order.slice(start[end]!, end));
    paddedLengths.push(lengths[order[end - 1]!]!);
  }
  return { batches: batches.reverse(), paddedLengths: paddedLengths.reverse() };
}
