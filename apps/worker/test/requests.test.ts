import { describe, expect, it } from "vitest";
import { batchTokens, scorePartCopies, toEngineRequest } from "../src/service/requests.ts";

describe("batchTokens", () => {
  it("counts a fill-mask request as one sequence", () => {
    expect(batchTokens("fill-mask", 12)).toBe(12);
  });

  it("counts a score request as one copy per scored token", () => {
    expect(batchTokens("score", 12)).toBe(120);
    expect(batchTokens("score", 512)).toBe(512 * 510);
  });

  it("counts a score request without scored tokens as one sequence", () => {
    expect(batchTokens("score", 2)).toBe(2);
  });
});

describe("toEngineRequest", () => {
  it("maps each kind's options", () => {
    expect(toEngineRequest("fill-mask", "A <mask>.", { topK: 3, dropSpecialTokens: true })).toEqual({ text: "A <mask>.", topK: 3, dropSpecialTokens: true });
    expect(toEngineRequest("score", "A sentence.", { variant: "within_word_l2r" })).toEqual({ text: "A sentence.", variant: "within_word_l2r" });
  });
});

describe("scorePartCopies", () => {
  it("keeps a request that fits the budget whole", () => {
    expect(scorePartCopies(12, 120)).toBeNull();
  });

  it("fills each part up to the budget", () => {
    expect(scorePartCopies(12, 119)).toBe(9);
    expect(scorePartCopies(392, 2048)).toBe(5);
  });

  it("gives a copy longer than the budget a part of its own", () => {
    expect(scorePartCopies(512, 256)).toBe(1);
    expect(scorePartCopies(2, 1)).toBe(1);
  });
});
