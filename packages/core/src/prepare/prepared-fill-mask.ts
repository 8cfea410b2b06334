import type { PreparedFillMask } from "../engine/fill-mask-request.ts";
import type { MaskedTextTokenizer } from "../engine/masked-text-tokenizer.ts";
import type { Prediction } from "../engine/types.ts";
import type { PreparedRequest, PreparedRow, PreparedRunner } from "./prepared-runner.ts";

const NO_IDS: ReadonlySet<number> = new Set();

/**
 * Computes the predictions of valid fill-mask requests with a prepared graph: one list per
 * mask, as Engine.fillMask builds them from full logits. Excluded special tokens are removed
 * after asking the graph for that many more ids, and targets are ranked by their
 * log-probabilities (ties: lower id first).
 */
export async function predictWithPreparedGraph(runner: PreparedRunner, items: readonly PreparedFillMask[], tokenizer: MaskedTextTokenizer): Promise<Prediction[][][]> {
  const requests: PreparedRequest[] = items.map((item) => {
    const excluded = item.dropSpecialTokens ? tokenizer.specialTokenIds : NO_IDS;
    if (item.candidateIds !== null) {
      const candidates = [...item.candidateIds].sort((a, b) => a - b);
      return { inputIds: item.ids, positions: item.maskPositions, topK: 0, targetIds: item.maskPositions.map(() => candidates) };
    }
    return { inputIds: item.ids, positions: item.maskPositions, topK: Math.min(item.topK + excluded.size, runner.vocabSize) };
  });

  const predictions: Prediction[][][] = items.map((item) => item.maskPositions.map(() => []));
  await runner.run(requests, (requestIndex, maskIndex, row) => {
    const item = items[requestIndex]!;
    const excluded = item.dropSpecialTokens ? tokenizer.specialTokenIds : NO_IDS;
    const mask = item.masks[maskIndex]!;
    const ranked = rankRow(row, requests[requestIndex]!.targetIds?.[maskIndex] ?? null, excluded).slice(0, item.topK);
    predictions[requestIndex]![maskIndex] = ranked.map(({ tokenId, probability }) => {
      const token = tokenizer.decodeToken(tokenId);
      const sequence = item.text.slice(0, mask.absorbedStart) + token + item.text.slice(mask.absorbedEnd);
      return { tokenId, token, probability, sequence };
    });
  });
  return predictions;
}

function rankRow(row: PreparedRow, candidates: readonly number[] | null, excluded: ReadonlySet<number>): { tokenId: number; probability: number }[] {
  if (candidates === null) {
    return row.topIds.map((tokenId, rank) => ({ tokenId, probability: row.topProbabilities[rank]! })).filter(({ tokenId }) => !excluded.has(tokenId));
  }
  // Candidates arrive sorted by id, and the sort is stable, so equal log-probabilities keep the lower id first.
  return candidates
    .map((tokenId, index) => ({ tokenId, logProb: row.targetLogProbs[index]! }))
    .filter(({ tokenId }) => !excluded.has(tokenId))
    .sort((a, b) => b.logProb - a.logProb)
    .map(({ tokenId, logProb }) => ({ tokenId, probability: Math.exp(logProb) }));
}
