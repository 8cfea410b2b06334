import { describe, expect, it } from "vitest";
import { planScoreWindows } from "../../src/scoring/index.ts";

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
