import { beforeAll, describe, expect, it } from "vitest";
import type { MaskedTextTokenizer } from "../../src/engine/index.ts";
import { planScoreWindows, type ScoreWindow } from "../../src/scoring/index.ts";
import { loadTokenizer, ROBERTA_TOKENIZER_DIR } from "../engine/helpers.ts";

describe("planScoreWindows", () => {
  it("uses one window when the text fits", () => {
    const plan = planScoreWindows(5, 10);
    expect(plan.windows).toEqual([{ start: 0, end: 5 }]);
    expect([...plan.windowOfToken]).toEqual([0, 0, 0, 0, 0]);
  });

  it("uses one window at exactly the capacity", () => {
    expect(planScoreWindows(10, 10).windows).toEqual([{ start: 0, end: 10 }]);
  });

  it("overlaps windows by half and picks the nearest centre", () => {
    const plan = planScoreWindows(10, 4);
    expect(plan.windows).toEqual([
      { start: 0, end: 4 },
      { start: 2, end: 6 },
      { start: 4, end: 8 },
      { start: 6, end: 10 },
    ]);
    expect([...plan.windowOfToken]).toEqual([0, 0, 0, 1, 1, 2, 2, 3, 3, 3]);
  });

  it("ends the last window at the text end", () => {
    const plan = planScoreWindows(11, 4);
    expect(plan.windows.at(-1)).toEqual({ start: 7, end: 11 });
    expect(plan.windows).toHaveLength(5);
  });

  it("gives every token a quarter window of context", () => {
    const contentLength = 1300;
    const capacity = 510;
    const { windows, windowOfToken } = planScoreWindows(contentLength, capacity);
    for (let token = 0; token < contentLength; token += 1) {
      const window = windows[windowOfToken[token]!]!;
      expect(token).toBeGreaterThanOrEqual(window.start);
      expect(token).toBeLessThan(window.end);
      expect(window.end - window.start).toBe(capacity);
      const before = token - window.start;
      const after = window.end - 1 - token;
      // Near the text's own ends the context is cut by the text, not by the window.
      if (token >= capacity / 4) expect(before, `token ${token}`).toBeGreaterThanOrEqual(Math.floor(capacity / 4));
      if (token < contentLength - capacity / 4) expect(after, `token ${token}`).toBeGreaterThanOrEqual(Math.floor(capacity / 4));
    }
  });

  it("rejects a capacity below 2", () => {
    expect(() => planScoreWindows(5, 1)).toThrow("capacity must be an integer of at least 2 tokens; got 1.");
  });
});

describe("planScoreWindows on the full-size RoBERTa tokenizer", () => {
  let tokenizer: MaskedTextTokenizer;

  beforeAll(async () => {
    tokenizer = await loadTokenizer(ROBERTA_TOKENIZER_DIR);
  });

  /** Plans the windows of `text` as scoring encodes it, and checks that each window's text encodes to exactly its tokens. */
  function plan(text: string): ScoreWindow[] {
    const encoded = tokenizer.encode(text, { recognizeMasks: false });
    const contentIds = encoded.ids.slice(1, -1);
    const offsets = encoded.offsets.slice(1, -1);
    const { windows } = planScoreWindows(contentIds.length, 510, offsets);
    for (const window of windows) {
      const windowText = text.slice(offsets[window.start]!.start, offsets[window.end - 1]!.end);
      expect(tokenizer.encode(windowText, { recognizeMasks: false }).ids.slice(1, -1)).toEqual(contentIds.slice(window.start, window.end));
    }
    return windows;
  }

  it("keeps emoji whole at window edges", () => {
    // Each emoji is two byte-level tokens, and the last window would start between them at 93.
    expect(plan(`${"😀".repeat(300)} the end.`)).toEqual([
      { start: 0, end: 510 },
      { start: 94, end: 603 },
    ]);
  });

  it("cuts CJK text only between characters", () => {
    // The fourth window would span tokens 765 to 1275, and both of its edges split a character.
    expect(plan("我们今天去公园散步天气很好".repeat(60))).toEqual([
      { start: 0, end: 510 },
      { start: 255, end: 764 },
      { start: 510, end: 1019 },
      { start: 766, end: 1274 },
      { start: 930, end: 1440 },
    ]);
  });
});
