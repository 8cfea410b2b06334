import { beforeAll, describe, expect, it } from "vitest";
import { fitWindow, MaskedTextTokenizer, type WindowedInput } from "../../src/engine/index.ts";
import { loadTokenizer, ROBERTA_TOKENIZER_DIR } from "./helpers.ts";

describe("fitWindow on the full-size RoBERTa tokenizer", () => {
  let tokenizer: MaskedTextTokenizer;

  beforeAll(async () => {
    tokenizer = await loadTokenizer(ROBERTA_TOKENIZER_DIR);
  });

  /** Encodes `text`, fits it to 512 positions and checks that the window's text encodes to exactly the window's ids. */
  function fit(text: string): { total: number; windowed: WindowedInput } {
    const encoded = tokenizer.encode(text);
    const windowed = fitWindow(encoded, 512);
    if (windowed === null) throw new Error("the masks do not fit one window");
    const { start, end } = windowed.window!;
    // A cut inside a character or a changed offset would give other ids here.
    expect(tokenizer.encode(text.slice(start, end)).ids).toEqual(windowed.ids);
    return { total: encoded.ids.length, windowed };
  }

  it("cuts CJK text without spaces at a token boundary", () => {
    const text = `${"我们今天去公园散步天气很好".repeat(60)}<mask>。`;
    const { total, windowed } = fit(text);
    expect(total).toBe(1444);
    expect(windowed.ids).toHaveLength(512);
    expect(windowed.window).toEqual({ start: 505, end: 787 });
    expect(windowed.maskPositions).toEqual([509]);
  });

  it("keeps emoji whole at the window edge", () => {
    // Each emoji is two byte-level tokens, and the centred window would start between them.
    const text = `${"😀".repeat(300)} end <mask>.`;
    const { total, windowed } = fit(text);
    expect(total).toBe(605);
    expect(windowed.ids).toHaveLength(511);
    expect(windowed.window).toEqual({ start: 94, end: 612 });
    expect(text.codePointAt(94)).toBe(0x1f600);
  });

  it("drops a partial word of a few tokens", () => {
    // " ornithologists" is three tokens, and the window starts at the next whole word.
    const text = `${" ornithologists".repeat(300)} <mask>.`;
    const { total, windowed } = fit(text);
    expect(total).toBe(904);
    expect(windowed.ids).toHaveLength(511);
    expect(windowed.window).toEqual({ start: 1965, end: 4508 });
    expect(text.slice(1965, 1980)).toBe(" ornithologists");
  });

  it("cuts a word of more tokens than it may drop", () => {
    const number = " 12345678901234567890123456789012345678901234567890";
    expect(tokenizer.encodeWord(number)).toHaveLength(24);
    // The numbers start at token 11, so the window's last 20 tokens are the start of a number.
    const text = `Then <mask>${" came".repeat(8)}${number.repeat(40)}`;
    const { windowed } = fit(text);
    expect(windowed.ids).toHaveLength(512);
    expect(windowed.window).toEqual({ start: 0, end: 1113 });
    // The 21st number starts at character 1071, and the window ends 42 characters into it.
    expect(text.slice(1071, 1113)).toBe(number.slice(0, 42));
  });

  it("keeps English text at word boundaries", () => {
    const text = `${"The quick brown fox jumps over the lazy dog. ".repeat(60)}<mask>.`;
    const { windowed } = fit(text);
    expect(windowed.ids).toHaveLength(512);
    expect(windowed.window).toEqual({ start: 414, end: 2707 });
    expect(text.slice(414, 420)).toBe(" brown");
  });
});
