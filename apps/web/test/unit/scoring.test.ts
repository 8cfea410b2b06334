import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { PpplHistogram } from "../../src/components/scoring/PpplHistogram.tsx";
import { TokenHeatmap } from "../../src/components/scoring/TokenHeatmap.tsx";
import { formatScore, rankScoredSentences, surprisal, surprisalColors } from "../../src/components/scoring/surprisal.ts";
import { translatorFor } from "../../src/i18n/translate.ts";
import { MAX_SCORE_SENTENCES, scoreLineParamsSchema, scoreQuerySchema, scoreRequestSchema, splitSentences } from "../../src/lib/score-schemas.ts";
import type { ScoredSentenceView } from "../../src/lib/score-types.ts";
import { scoreRowToCsv, scoreRowToJsonl } from "../../src/server/export/score-stream.ts";

function scored(index: number, pseudoPerplexity: number | null): ScoredSentenceView {
  return { index, text: `s${index}`, jobId: `job-${index}`, ok: true, score: { variant: "original", pll: -1, tokenCount: 1, meanPll: -1, pseudoPerplexity }, tokens: [] };
}

function failed(index: number): ScoredSentenceView {
  return { index, text: `f${index}`, jobId: `job-${index}`, ok: false, error: { code: "text_too_long", message: "too long" } };
}

describe("splitSentences", () => {
  it("keeps one trimmed sentence per line", () => {
    expect(splitSentences("  The cat sat.\r\n\n   \nMat the on. \n")).toEqual(["The cat sat.", "Mat the on."]);
  });

  it("returns nothing for a blank box", () => {
    expect(splitSentences(" \n\t\n")).toEqual([]);
  });
});

describe("scoreRequestSchema", () => {
  it("defaults the variant to original", () => {
    expect(scoreRequestSchema.parse({ sentences: ["a", "b"] })).toEqual({ sentences: ["a", "b"], variant: "original" });
  });

  it("rejects an empty list", () => {
    const result = scoreRequestSchema.safeParse({ sentences: [] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["sentences"]);
  });

  it("rejects too many sentences", () => {
    const result = scoreRequestSchema.safeParse({ sentences: Array.from({ length: MAX_SCORE_SENTENCES + 1 }, () => "x") });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe("too_big");
  });

  it("names the blank sentence", () => {
    const result = scoreRequestSchema.safeParse({ sentences: ["fine", "   "] });
    expect(result.error?.issues[0]?.path).toEqual(["sentences", 1]);
  });

  it("rejects an unknown variant", () => {
    const result = scoreRequestSchema.safeParse({ sentences: ["a"], variant: "word_l2r" });
    expect(result.error?.issues[0]?.path).toEqual(["variant"]);
  });
});

describe("score query schemas", () => {
  it("parse sort and limit", () => {
    expect(scoreQuerySchema.parse({ sort: "pppl_desc", limit: "20" })).toEqual({ sort: "pppl_desc", limit: 20 });
    expect(scoreQuerySchema.safeParse({ sort: "score_desc" }).success).toBe(false);
    expect(scoreQuerySchema.safeParse({ limit: "500" }).success).toBe(false);
  });

  it("parse a line number", () => {
    const id = "0b5c3c1e-7a57-4a3f-9d59-2f8e4f1f2a10";
    expect(scoreLineParamsSchema.parse({ id, line: "12" })).toEqual({ id, line: 12 });
    expect(scoreLineParamsSchema.safeParse({ id, line: "0" }).error?.issues[0]?.path).toEqual(["line"]);
    expect(scoreLineParamsSchema.safeParse({ id, line: "1.5" }).success).toBe(false);
  });
});

describe("surprisal colours", () => {
  it("negate the log-probability", () => {
    expect(surprisal(-2.5)).toBe(2.5);
    expect(surprisal(0)).toBe(0);
  });

  it("go from pale yellow to dark red", () => {
    expect(surprisalColors(0)).toEqual({ background: "hsl(55 90% 92%)", color: "#1b1f24", share: 0 });
    expect(surprisalColors(-5)).toEqual({ background: "hsl(28 90% 66%)", color: "#1b1f24", share: 0.5 });
    expect(surprisalColors(-10)).toEqual({ background: "hsl(0 90% 40%)", color: "#fff", share: 1 });
    expect(surprisalColors(-40)).toEqual(surprisalColors(-10));
  });
});

describe("rankScoredSentences", () => {
  it("puts the lowest PPPL first and failures last", () => {
    const ranked = rankScoredSentences([failed(0), scored(1, 80), scored(2, null), scored(3, 12.5), scored(4, 80), failed(5)]);
    expect(ranked.map((result) => result.index)).toEqual([3, 1, 4, 2, 0, 5]);
  });
});

describe("formatScore", () => {
  it("shows four decimals", () => {
    expect(formatScore(-31.20456, "en")).toBe("-31.2046");
    expect(formatScore(86410.1, "en")).toBe("86,410.1000");
    expect(formatScore(null, "en")).toBe("—");
    expect(formatScore(Number.POSITIVE_INFINITY, "en")).toBe("—");
  });
});

describe("TokenHeatmap", () => {
  const tokens = [
    { position: 1, tokenId: 133, token: "The", wordIndex: 0, logProb: -0.5 },
    { position: 2, tokenId: 4758, token: " cat", wordIndex: 1, logProb: -10 },
  ];

  it("renders focusable coloured tokens with values", () => {
    const html = renderToStaticMarkup(createElement(TokenHeatmap, { tokens, locale: "en", t: translatorFor("en"), label: "Token surprisal of: The cat" }));
    expect(html.match(/data-testid="heat-token"/g)).toHaveLength(2);
    expect(html.match(/tabindex="0"/g)).toHaveLength(2);
    expect(html).toContain("background:hsl(0 90% 40%);color:#fff");
    expect(html).toContain('aria-label="Token ␣cat at position 2: log-probability -10.0000, surprisal 10.0000 nats"');
    expect(html).toContain("␣cat · position 2 · word 1 · id 4758 · log p -10.0000 · p 0.0000454 · surprisal 10.0000 nats");
    expect(html).toContain('data-log-prob="-0.5"');
  });

  it("labels tokens in Chinese", () => {
    const html = renderToStaticMarkup(createElement(TokenHeatmap, { tokens, locale: "zh-CN", t: translatorFor("zh-CN"), label: "x" }));
    expect(html).toContain('aria-label="位置 1 的词元 The：对数概率 -0.5000，意外度 0.5000 奈特"');
  });
});

describe("PpplHistogram", () => {
  it("scales bars to the fullest bin", () => {
    const bins = [
      { lower: 1, upper: 10, count: 4 },
      { lower: 10, upper: 100, count: 1 },
      { lower: 100, upper: 1234.5, count: 0 },
    ];
    const html = renderToStaticMarkup(createElement(PpplHistogram, { bins, locale: "en", t: translatorFor("en") }));
    expect(html).toContain("height:100.00%");
    expect(html).toContain("height:25.00%");
    expect(html).toContain("height:0.00%");
    expect(html).toContain('aria-label="PPPL 100 to 1,230: 0 sentences"');
    expect(html).toContain("<span>1,230</span>");
  });
});

describe("score export rows", () => {
  const row = {
    lineNumber: 3,
    text: "-1 is less, \"quoted\"",
    status: "completed" as const,
    error: null,
    errorCode: null,
    model: "tiny-roberta",
    score: { variant: "within_word_l2r", pll: -12.5, tokenCount: 5, meanPll: -2.5, pseudoPerplexity: 12.182493960703473 },
  };

  it("neutralises a formula in CSV", () => {
    expect(scoreRowToCsv(row)).toBe("3,\"'-1 is less, \"\"quoted\"\"\",completed,,within_word_l2r,tiny-roberta,-12.5,5,-2.5,12.182493960703473\r\n");
  });

  it("writes an unscored row with empty cells", () => {
    expect(scoreRowToCsv({ ...row, status: "failed", error: "@bad", errorCode: "invalid_utf8", score: null, model: null })).toBe("3,\"'-1 is less, \"\"quoted\"\"\",failed,'@bad,,,,,,\r\n");
  });

  it("writes tokens in JSONL", () => {
    const tokens = [{ position: 1, tokenId: 7, token: "-", wordIndex: 0, logProb: -12.5 }];
    expect(JSON.parse(scoreRowToJsonl(row, tokens))).toEqual({
      lineNumber: 3,
      text: row.text,
      status: "completed",
      error: null,
      model: "tiny-roberta",
      variant: "within_word_l2r",
      pll: -12.5,
      tokenCount: 5,
      meanPll: -2.5,
      pseudoPerplexity: 12.182493960703473,
      tokens,
    });
    expect(JSON.parse(scoreRowToJsonl({ ...row, score: null }, undefined)).tokens).toBeNull();
  });
});
