/** A token id with its softmax probability over the full vocabulary. */
export interface ScoredToken {
  tokenId: number;
  probability: number;
}

/** Computes log(sum(exp(logits))) in float64, shifted by the max for stability. */
export function logSumExp(logits: Float32Array): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i += 1) {
    const value = logits[i]!;
    if (value > max) max = value;
  }
  let sum = 0;
  for (let i = 0; i < logits.length; i += 1) {
    sum += Math.exp(logits[i]! - max);
  }
  return max + Math.log(sum);
}

/**
 * Selects the `k` most probable ids of a logits row, highest first (ties: lower id first).
 * Probabilities are full-vocabulary softmax values. `candidates` restricts the ids considered
 * and `excluded` removes ids (for example special tokens).
 */
export function topKProbabilities(
  logits: Float32Array,
  k: number,
  candidates: readonly number[] | null,
  excluded: ReadonlySet<number>,
): ScoredToken[] {
  const normaliser = logSumExp(logits);
  const best: { tokenId: number; logit: number }[] = [];

  const consider = (tokenId: number): void => {
    if (excluded.has(tokenId)) return;
    const logit = logits[tokenId]!;
    if (best.length === k && logit <= best[k - 1]!.logit) return;
    let insertAt = best.length;
    while (insertAt > 0 && best[insertAt - 1]!.logit < logit) insertAt -= 1;
    best.splice(insertAt, 0, { tokenId, logit });
    if (best.length > k) best.pop();
  };

  if (candidates === null) {
    for (let id = 0; id < logits.length; id += 1) consider(id);
  } else {
    for (const id of [...candidates].sort((a, b) => a - b)) consider(id);
  }
  return best.map(({ tokenId, logit }) => ({ tokenId, probability: Math.exp(logit - normaliser) }));
}
