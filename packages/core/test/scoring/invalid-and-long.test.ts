import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine, EngineDisposedError, EngineOptionError, logSumExp, type ScoreRequest, type LogitsRequest } from "../../src/engine/index.ts";
import { scoreTexts } from "../../src/scoring/index.ts";
import { TINY_DIR } from "../engine/helpers.ts";
import { scored } from "./helpers.ts";

const VALID = "Passionate hatred can give meaning and purpose to an empty life.";

describe("scoring invalid and long input", () => {
  let engine: Engine;

  beforeAll(async () => {
    engine = await Engine.load({ modelDir: TINY_DIR });
  });
  afterAll(async () => {
    await engine.dispose();
  });

  it("rejects bad requests one by one", async () => {
    const requests = [
      { text: VALID },
      { text: "" },
      { text: " \t\u00a0\n" },
      { text: 42 },
      { text: VALID, variant: "word_l2r" },
      null,
      { text: "Another valid line." },
    ] as unknown as ScoreRequest[];
    const outcomes = await engine.score(requests);
    expect(outcomes.map((outcome) => (outcome.ok ? "ok" : outcome.error.code))).toEqual([
      "ok",
      "empty_text",
      "empty_text",
      "invalid_text",
      "invalid_variant",
      "invalid_text",
      "ok",
    ]);
    const messages = outcomes.map((outcome) => (outcome.ok ? "" : outcome.error.message));
    expect(messages[1]).toBe('The text "" is empty or only whitespace, so it has no tokens to score. Remove the line or put a sentence in it.');
    expect(messages[3]).toBe("text must be a string; got number. Send the sentence to score as a string.");
    expect(messages[4]).toBe('variant must be original or within_word_l2r; got "word_l2r".');
    expect(messages[5]).toBe("text must be a string; got null. Send the sentence to score as a string.");

    const [alone] = await engine.score([{ text: VALID }]);
    expect(scored(outcomes[0]).tokens.map((token) => token.logProb)).toEqual(scored(alone).tokens.map((token) => token.logProb));
  });

  it("rejects a text over the token limit", async () => {
    const [tooLong, fits] = await engine.score([{ text: VALID }, { text: "Short line." }], { maxScoredTokens: 10 });
    expect(tooLong!.ok).toBe(false);
    if (tooLong!.ok) return;
    expect(tooLong!.error.code).toBe("text_too_long");
    expect(tooLong!.error.message).toBe(`${JSON.stringify(VALID)} has 26 tokens; at most 10 can be scored per text. Split it into sentences and score them separately.`);
    expect(scored(fits).tokenCount).toBeLessThanOrEqual(10);
  });

  it("quotes a long text without splitting an emoji", async () => {
    const text = `${"a".repeat(76)}😀😀 and more words`;
    const [tooLong] = await engine.score([{ text }], { maxScoredTokens: 10 });
    expect(tooLong!.ok).toBe(false);
    if (tooLong!.ok) return;
    expect(tooLong!.error.message).toMatch(new RegExp(`^"${"a".repeat(76)}😀\\.\\.\\." has \\d+ tokens; at most 10 can be scored per text\\.`, "u"));
  });

  it("scores mask spellings as plain text", async () => {
    const [outcome] = await engine.score([{ text: "The <mask> and [MASK] and <s> stay text." }]);
    const result = scored(outcome);
    expect(result.tokens.map((token) => token.tokenId)).not.toContain(engine.tokenizer.maskTokenId);
    expect(result.tokens.map((token) => token.tokenId)).not.toContain(engine.tokenizer.bosTokenId);
    expect(result.tokens.map((token) => token.token).join("")).toBe("The <mask> and [MASK] and <s> stay text.");
  });

  it("scores a text beyond 512 positions in windows", async () => {
    // 21 copies of a 26-token sentence: 546 tokens, so two windows of 510.
    const text = Array.from({ length: 21 }, () => VALID).join(" ");
    const [outcome] = await engine.score([{ text }]);
    const result = scored(outcome);
    expect(result.tokenCount).toBe(engine.tokenizer.encode(text, { recognizeMasks: false }).ids.length - 2);
    expect(result.tokenCount).toBe(546);
    expect(result.window).toBeNull();
    expect(result.tokens.map((token) => token.position)).toEqual(result.tokens.map((_, index) => index + 1));
    for (const token of result.tokens) {
      expect(Number.isFinite(token.logProb)).toBe(true);
      expect(token.logProb).toBeLessThan(0);
    }
    expect(result.pll).toBeLessThan(-546);
  });

  it("scores each token inside its window", async () => {
    // A 34-position model makes 32-token windows, so this 52-token text needs three.
    const text = `${VALID} ${VALID}`;
    const model = { tokenizer: engine.tokenizer, runner: engine.runner, maxSequenceLength: 34 };
    const [outcome] = await scoreTexts(model, [{ text }]);
    const result = scored(outcome);
    const content = engine.tokenizer.encode(text, { recognizeMasks: false }).ids.slice(1, -1);
    expect(result.tokenCount).toBe(content.length);
    expect(content.length).toBe(52);

    // Windows are [0, 32), [16, 48) and [20, 52), centred on 15.5, 31.5 and 35.5.
    const cases = [
      { token: 0, start: 0 },
      { token: 20, start: 0 },
      { token: 30, start: 16 },
      { token: 40, start: 20 },
      { token: 51, start: 20 },
    ];
    const inputs: LogitsRequest[] = cases.map(({ token, start }) => {
      const ids = [engine.tokenizer.bosTokenId, ...content.slice(start, start + 32), engine.tokenizer.eosTokenId];
      ids[token - start + 1] = engine.tokenizer.maskTokenId;
      return { inputIds: ids, positions: [token - start + 1] };
    });
    const expected: number[] = [];
    await engine.runner.run(inputs, (index, _position, logits) => {
      expected[index] = logits[content[cases[index]!.token]!]! - logSumExp(logits);
    });
    cases.forEach(({ token }, index) => {
      expect(Math.abs(result.tokens[token]!.logProb - expected[index]!), `token ${token}`).toBeLessThan(1e-5);
    });
  });

  it("rejects invalid scoring options", async () => {
    await expect(engine.score([{ text: VALID }], { chunkTokens: 0 })).rejects.toThrow(EngineOptionError);
    await expect(engine.score([{ text: VALID }], { chunkTokens: 0 })).rejects.toThrow("chunkTokens must be a positive integer (tokens of masked copies per chunk); got 0.");
    await expect(engine.score([{ text: VALID }], { maxScoredTokens: 1.5 })).rejects.toThrow("maxScoredTokens must be a positive integer (tokens per text); got 1.5.");
  });

  it("throws after dispose", async () => {
    const disposable = await Engine.load({ modelDir: TINY_DIR });
    await disposable.dispose();
    await expect(disposable.score([{ text: VALID }])).rejects.toThrow(EngineDisposedError);
  });
});
