import { Tokenizer } from "@huggingface/tokenizers";
import { ModelLoadError } from "./errors.ts";
import { findMasks, type MaskSpan, type MaskStripRule } from "./mask-syntax.ts";
import type { TokenizerConfig } from "./model-files.ts";
import type { CharSpan } from "./types.ts";
import { byteLevelTokenLength, Utf8OffsetMap } from "./utf8-offsets.ts";

/** A text encoded for the model, with where each token came from. */
export interface EncodedText {
  /** Token ids including the leading <s> and trailing </s>. */
  ids: number[];
  /** UTF-16 span of each token in the text; <s> and </s> get empty spans at the start and end. */
  offsets: CharSpan[];
  /** Pre-token (word) index of each token; null for <s>, </s> and masks. */
  wordIndices: (number | null)[];
  /** Token position of each mask, left to right. */
  maskPositions: number[];
  masks: MaskSpan[];
}

/** Encoding options. */
export interface EncodeOptions {
  /** Treat `<mask>` and `[MASK]` as the mask token; when false they are plain text. Default true. */
  recognizeMasks?: boolean;
}

/**
 * Wraps a Hugging Face tokenizer for masked-LM input. Only masks are special: literal "<s>",
 * "</s>", "<pad>" and "<unk>" typed in user text are encoded as plain text, the way Hugging Face
 * tokenizers encode with `split_special_tokens=True`. Text between masks goes through the
 * tokenizer's own normalizer, pre-tokenizer and BPE model, so ids equal those of
 * `tokenizer(text)` for text without literal special tokens.
 */
export class MaskedTextTokenizer {
  readonly maskToken: string;
  readonly maskTokenId: number;
  readonly bosTokenId: number;
  readonly eosTokenId: number;
  readonly padTokenId: number;
  /** Ids of the added tokens marked special (<s>, <pad>, </s>, <unk>, <mask> for RoBERTa). */
  readonly specialTokenIds: ReadonlySet<number>;
  /** Number of token ids, added tokens included. */
  readonly vocabSize: number;
  readonly maskStripRule: MaskStripRule;

  private readonly tokenizer: Tokenizer;
  private readonly byteLevel: boolean;
  private readonly cleanUpSpaces: boolean;
  private readonly decodedTokens = new Map<number, string>();

  /** Builds the tokenizer from parsed tokenizer.json and tokenizer_config.json; `source` names the directory in errors. */
  constructor(tokenizerJson: Record<string, unknown>, tokenizerConfig: TokenizerConfig, source: string) {
    try {
      this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (error) {
      throw new ModelLoadError(`Cannot build the tokenizer from ${source}/tokenizer.json: ${(error as Error).message}. Re-export the tokenizer files.`);
    }
    const added = this.tokenizer.get_added_tokens_decoder();
    this.specialTokenIds = new Set([...added.values()].filter((token) => token.special).map((token) => token.id));
    this.vocabSize = this.tokenizer.get_vocab(true).size;

    const maskSetting = tokenizerConfig.mask_token ?? "<mask>";
    this.maskToken = typeof maskSetting === "string" ? maskSetting : maskSetting.content;
    const maskAdded = [...added.values()].find((token) => token.content === this.maskToken);
    if (maskAdded === undefined) {
      throw new ModelLoadError(`${source}/tokenizer.json has no added token "${this.maskToken}" (the mask token of tokenizer_config.json); a fill-mask tokenizer needs one.`);
    }
    this.maskTokenId = maskAdded.id;
    this.maskStripRule = { lstrip: maskAdded.lstrip, rstrip: maskAdded.rstrip };

    this.bosTokenId = this.requireTokenId(tokenizerConfig, ["cls_token", "bos_token"], "<s>", source);
    this.eosTokenId = this.requireTokenId(tokenizerConfig, ["sep_token", "eos_token"], "</s>", source);
    this.padTokenId = this.requireTokenId(tokenizerConfig, ["pad_token"], "<pad>", source);

    const preTokenizer = tokenizerJson.pre_tokenizer as { type?: string } | null | undefined;
    this.byteLevel = preTokenizer?.type === "ByteLevel";
    // transformers 5 decodes without clean-up unless tokenizer_config.json sets clean_up_tokenization_spaces.
    this.cleanUpSpaces = tokenizerConfig.clean_up_tokenization_spaces ?? false;
  }

  /**
   * Encodes `text` with <s> and </s>. Masks (see findMasks) become the mask token id; the
   * whitespace their strip rule absorbs produces no token.
   */
  encode(text: string, options: EncodeOptions = {}): EncodedText {
    const masks = options.recognizeMasks === false ? [] : findMasks(text, this.maskToken, this.maskStripRule);
    const encoded: EncodedText = { ids: [this.bosTokenId], offsets: [{ start: 0, end: 0 }], wordIndices: [null], maskPositions: [], masks };
    const words = { next: 0 };

    let segmentStart = 0;
    masks.forEach((mask, index) => {
      this.encodeSegment(text.slice(segmentStart, mask.absorbedStart), segmentStart, index, encoded, words);
      encoded.maskPositions.push(encoded.ids.length);
      encoded.ids.push(this.maskTokenId);
      encoded.offsets.push({ start: mask.start, end: mask.end });
      encoded.wordIndices.push(null);
      segmentStart = mask.absorbedEnd;
    });
    this.encodeSegment(text.slice(segmentStart), segmentStart, masks.length, encoded, words);

    encoded.ids.push(this.eosTokenId);
    encoded.offsets.push({ start: text.length, end: text.length });
    encoded.wordIndices.push(null);
    return encoded;
  }

  /** Encodes a candidate word without <s>/</s> and without mask recognition, e.g. " cat" → [id of "Ġcat"]. */
  encodeWord(word: string): number[] {
    const encoded = this.encode(word, { recognizeMasks: false });
    return encoded.ids.slice(1, -1);
  }

  /** Decodes one token id to text, e.g. the id of "Ġcat" to " cat". */
  decodeToken(id: number): string {
    let decoded = this.decodedTokens.get(id);
    if (decoded === undefined) {
      decoded = this.tokenizer.decode([id], { skip_special_tokens: false, clean_up_tokenization_spaces: this.cleanUpSpaces });
      this.decodedTokens.set(id, decoded);
    }
    return decoded;
  }

  private encodeSegment(segment: string, segmentStart: number, sectionIndex: number, out: EncodedText, words: { next: number }): void {
    if (segment.length === 0) {
      return;
    }
    const normalized = this.tokenizer.normalizer === null ? segment : this.tokenizer.normalizer(segment);
    const preTokens = this.tokenizer.pre_tokenizer === null ? [normalized] : this.tokenizer.pre_tokenizer.pre_tokenize(normalized, { section_index: sectionIndex });
    const model = this.tokenizer.model;
    if (model === null) {
      throw new Error("The tokenizer has no model section; it cannot encode text.");
    }

    const tokens: string[] = [];
    const tokenWords: number[] = [];
    for (const preToken of preTokens) {
      const wordIndex = words.next;
      words.next += 1;
      for (const token of model._call([preToken])) {
        tokens.push(token);
        tokenWords.push(wordIndex);
      }
    }

    const offsets = this.tokenOffsets(segment, normalized, tokens, segmentStart);
    tokens.forEach((token, i) => {
      out.ids.push(model.tokens_to_ids.get(token) ?? model.unk_token_id ?? this.padTokenId);
      out.offsets.push(offsets[i]!);
      out.wordIndices.push(tokenWords[i]!);
    });
  }

  /**
   * Maps byte-level tokens back to UTF-16 spans of the segment. Each byte-level symbol stands
   * for one UTF-8 byte, so running byte counts locate the tokens exactly.
   */
  private tokenOffsets(segment: string, normalized: string, tokens: string[], segmentStart: number): CharSpan[] {
    const lengths = this.byteLevel && normalized === segment ? tokens.map(byteLevelTokenLength) : null;
    const map = new Utf8OffsetMap(segment);
    const totalBytes = lengths?.reduce<number>((sum, length) => sum + (length ?? Number.NaN), 0);
    if (lengths === null || totalBytes !== map.byteLength) {
      // NOTE: without a byte-level pre-tokenizer (or with a normalizer that changed the text)
      // tokens cannot be located exactly, so each one gets the whole segment's span.
      return tokens.map(() => ({ start: segmentStart, end: segmentStart + segment.length }));
    }
    const spans: CharSpan[] = [];
    let byte = 0;
    for (const length of lengths) {
      const end = byte + (length ?? 0);
      spans.push({ start: segmentStart + map.charStart(byte), end: segmentStart + map.charEnd(end) });
      byte = end;
    }
    return spans;
  }

  private requireTokenId(config: TokenizerConfig, keys: string[], fallback: string, source: string): number {
    for (const key of keys) {
      const setting = config[key];
      const content = typeof setting === "string" ? setting : (setting as { content?: unknown } | undefined)?.content;
      if (typeof content === "string") {
        const id = this.tokenizer.token_to_id(content);
        if (id !== undefined) {
          return id;
        }
      }
    }
    const id = this.tokenizer.token_to_id(fallback);
    if (id === undefined) {
      throw new ModelLoadError(`${source}/tokenizer_config.json sets no ${keys.join(" or ")} and the vocabulary has no "${fallback}"; a RoBERTa tokenizer needs one.`);
    }
    return id;
  }
}
