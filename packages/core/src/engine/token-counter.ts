import { MaskedTextTokenizer } from "./masked-text-tokenizer.ts";
import { maxSequenceLength, readModelFiles } from "./model-files.ts";

// Longer texts are not tokenized for a count: the engine encodes them in a window of the
// model's maximum length anyway, so they count as that maximum.
const MAX_COUNTED_CHARACTERS = 20_000;

/**
 * Counts the tokens a model's tokenizer gives a text, without loading onnxruntime, so a worker's
 * main thread can plan batches by the lengths the engine will pad to. A batch planned by a
 * characters-per-token estimate padded 15% more tokens on roberta-base.
 */
export class TokenCounter {
  private constructor(
    private readonly tokenizer: MaskedTextTokenizer,
    /** Maximum positions per sequence; longer texts count as this many. */
    readonly maxSequenceLength: number,
  ) {}

  /** Reads the tokenizer of a model directory; throws ModelLoadError naming the missing or invalid file. */
  static async load(modelDir: string): Promise<TokenCounter> {
    const files = await readModelFiles(modelDir, undefined);
    return new TokenCounter(new MaskedTextTokenizer(files.tokenizerJson, files.tokenizerConfig, files.modelDir), maxSequenceLength(files));
  }

  /**
   * Returns the tokens of `text` with <s> and </s> as the engine encodes it, at most
   * maxSequenceLength. Never throws: a text the tokenizer rejects counts by the estimate of
   * estimateTokens, and the engine reports its error when the request runs.
   */
  count(text: string): number {
    if (text.length > MAX_COUNTED_CHARACTERS) return this.maxSequenceLength;
    try {
      return Math.min(this.tokenizer.encode(text).ids.length, this.maxSequenceLength);
    } catch {
      return Math.min(estimateTokens(text), this.maxSequenceLength);
    }
  }
}

/**
 * Estimates the tokens of a text, <s> and </s> included, when no tokenizer is at hand: one token
 * per 4 UTF-16 code units, plus 2.
 * NOTE: an estimate. The full RoBERTa tokenizer averages 4.4 characters per token on
 * scripts/data/masked-1024.txt, so it runs about 9% high there, and other languages differ.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4) + 2;
}
