import type { BatchRunner, LogitsRequest } from "../engine/batch-runner.ts";
import { EngineOptionError } from "../engine/errors.ts";
import { logSumExp } from "../engine/logits-math.ts";
import type { MaskedTextTokenizer } from "../engine/masked-text-tokenizer.ts";
import type { Outcome, ScoreRequest, ScoreResult, TokenScore } from "../engine/types.ts";
import type { PreparedRequest, PreparedRunner } from "../prepare/prepared-runner.ts";
import { DEFAULT_MAX_SCORED_TOKENS, prepareScore, type PreparedScore } from "./prepare-score.ts";
import { summarizeTokenScores } from "./score-parts.ts";

/**
 * Default tokens of masked copies built and run per chunk (copies x their length). Chunks keep
 * memory flat for large corpora; inside a chunk the batch runner still packs copies of all
 * sentences together under the token budget.
 */
export const DEFAULT_SCORE_CHUNK_TOKENS = 65_536;

/** Parts of a loaded model that scoring uses. An Engine provides all of them. */
export interface ScoringModel {
  tokenizer: MaskedTextTokenizer;
  /** Runner over the plain export, which returns full logits rows. */
  runner: Pick<BatchRunner, "run">;
  /**
   * Runner over the prepared graph (`maskfill model prepare`), which computes the LM head only
   * at the masked position and returns the target's log-probability. Used instead of `runner`
   * when present.
   */
  preparedRunner?: Pick<PreparedRunner, "run"> | null;
  /** Positions per model input, <s> and </s> included. */
  maxSequenceLength: number;
}

/** Options of one scoring call. */
export interface ScoringOptions {
  /** Maximum tokens of masked copies per chunk (copies x length); default DEFAULT_SCORE_CHUNK_TOKENS. */
  chunkTokens?: number;
  /** Maximum tokens of one text without <s> and </s>; longer texts get a "text_too_long" error. Default DEFAULT_MAX_SCORED_TOKENS. */
  maxScoredTokens?: number;
}

/** One masked copy: which request and which of its content tokens is scored. */
interface CopyRef {
  item: PreparedScore;
  token: number;
}

/**
 * Computes the pseudo-log-likelihood of each request (Salazar et al., "Masked Language Model
 * Scoring", ACL 2020): every token of the text is masked in turn and scored by the natural-log
 * softmax over the full vocabulary at that position. Variant "within_word_l2r" (Kauf and
 * Ivanova, ACL 2023) also masks the later tokens of the same word. Texts longer than the model
 * window are scored in overlapping windows (see planScoreWindows).
 *
 * Returns one outcome per request, in order; an invalid request gets an error outcome and
 * never affects the others. Rejects with InferenceError if onnxruntime fails.
 */
export async function scoreTexts(model: ScoringModel, requests: readonly ScoreRequest[], options: ScoringOptions = {}): Promise<Outcome<ScoreResult>[]> {
  const chunkTokens = options.chunkTokens ?? DEFAULT_SCORE_CHUNK_TOKENS;
  if (!Number.isInteger(chunkTokens) || chunkTokens < 1) {
    throw new EngineOptionError(`chunkTokens must be a positive integer (tokens of masked copies per chunk); got ${String(chunkTokens)}.`);
  }
  const maxScoredTokens = options.maxScoredTokens ?? DEFAULT_MAX_SCORED_TOKENS;
  if (!Number.isInteger(maxScoredTokens) || maxScoredTokens < 1) {
    throw new EngineOptionError(`maxScoredTokens must be a positive integer (tokens per text); got ${String(maxScoredTokens)}.`);
  }

  const limits = { maxSequenceLength: model.maxSequenceLength, maxScoredTokens };
  const prepared = requests.map((request) => prepareScore(request, model.tokenizer, limits));
  const unique = uniqueItems(prepared);
  await runCopies(model, unique, chunkTokens);

  return prepared.map((outcome) => {
    if (!outcome.ok) {
      return outcome;
    }
    const item = unique.get(itemKey(outcome.value))!;
    return { ok: true, value: toResult(item, model.tokenizer) };
  });
}

function itemKey(item: PreparedScore): string {
  const range = item.partial ? `${item.scoredStart}-${item.scoredEnd}` : "all";
  return `${item.variant}\u0000${range}\u0000${item.text}`;
}

/** Keeps one prepared item per (variant, token range, text), so repeated lines are scored once. */
function uniqueItems(prepared: readonly Outcome<PreparedScore>[]): Map<string, PreparedScore> {
  const unique = new Map<string, PreparedScore>();
  for (const outcome of prepared) {
    if (outcome.ok && !unique.has(itemKey(outcome.value))) {
      unique.set(itemKey(outcome.value), outcome.value);
    }
  }
  return unique;
}

/**
 * Runs every masked copy of every item, building at most `chunkTokens` tokens of copies at a
 * time (a single copy longer than that forms its own chunk), and stores each log-probability.
 */
async function runCopies(model: ScoringModel, items: Map<string, PreparedScore>, chunkTokens: number): Promise<void> {
  let chunk: CopyRef[] = [];
  let chunkSize = 0;
  for (const item of items.values()) {
    for (let token = item.scoredStart; token < item.scoredEnd; token += 1) {
      const window = item.windows[item.windowOfToken[token]!]!;
      const length = window.end - window.start + 2;
      if (chunk.length > 0 && chunkSize + length > chunkTokens) {
        await runChunk(model, chunk);
        chunk = [];
        chunkSize = 0;
      }
      chunk.push({ item, token });
      chunkSize += length;
    }
  }
  if (chunk.length > 0) {
    await runChunk(model, chunk);
  }
}

async function runChunk(model: ScoringModel, chunk: readonly CopyRef[]): Promise<void> {
  const { tokenizer, preparedRunner } = model;
  const requests = chunk.map(({ item, token }) => buildMaskedCopy(item, token, tokenizer));
  if (preparedRunner) {
    const preparedRequests: PreparedRequest[] = requests.map((request, index) => {
      const { item, token } = chunk[index]!;
      return { ...request, topK: 0, targetIds: [[item.contentIds[token]!]] };
    });
    await preparedRunner.run(preparedRequests, (requestIndex, _positionIndex, row) => {
      const { item, token } = chunk[requestIndex]!;
      item.logProbs[token] = row.targetLogProbs[0]!;
    });
    return;
  }
  await model.runner.run(requests, (requestIndex, _positionIndex, logits) => {
    const { item, token } = chunk[requestIndex]!;
    item.logProbs[token] = logits[item.contentIds[token]!]! - logSumExp(logits);
  });
}

/**
 * Builds the model input that scores content token `token`: its window wrapped in <s> and
 * </s>, with the token masked and, for within_word_l2r, the later tokens of its word too.
 */
function buildMaskedCopy(item: PreparedScore, token: number, tokenizer: MaskedTextTokenizer): LogitsRequest {
  const window = item.windows[item.windowOfToken[token]!]!;
  const ids = new Array<number>(window.end - window.start + 2);
  ids[0] = tokenizer.bosTokenId;
  for (let i = window.start; i < window.end; i += 1) {
    ids[i - window.start + 1] = item.contentIds[i]!;
  }
  ids[ids.length - 1] = tokenizer.eosTokenId;

  ids[token - window.start + 1] = tokenizer.maskTokenId;
  if (item.variant === "within_word_l2r") {
    // Tokens of one word are contiguous, so the word ends at the first token of another word.
    const word = item.wordIndices[token];
    for (let later = token + 1; later < window.end && item.wordIndices[later] === word; later += 1) {
      ids[later - window.start + 1] = tokenizer.maskTokenId;
    }
  }
  return { inputIds: ids, positions: [token - window.start + 1] };
}

function toResult(item: PreparedScore, tokenizer: MaskedTextTokenizer): ScoreResult {
  const tokens: TokenScore[] = [];
  for (let index = item.scoredStart; index < item.scoredEnd; index += 1) {
    const tokenId = item.contentIds[index]!;
    tokens.push({ position: index + 1, tokenId, token: tokenizer.decodeToken(tokenId), wordIndex: item.wordIndices[index]!, logProb: item.logProbs[index]! });
  }
  const result = summarizeTokenScores(item.text, item.variant, tokens);
  if (item.partial) {
    result.part = { start: item.scoredStart + 1, end: item.scoredEnd + 1, textTokenCount: item.contentIds.length };
  }
  return result;
}
