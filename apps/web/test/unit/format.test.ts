import { describe, expect, it } from "vitest";
import { displayToken, formatBytes, formatDuration, formatPercent } from "../../src/lib/format.ts";
import { fillMasks } from "../../src/components/playground/fill.ts";
import { parseByteSize, webEnv } from "../../src/env.ts";

describe("format helpers", () => {
  it("format percentages with one decimal", () => {
    expect(formatPercent(0.4231, "en")).toBe("42.3%");
    expect(formatPercent(1, "zh-CN")).toBe("100.0%");
  });

  it("format byte sizes in binary units", () => {
    expect(formatBytes(200 * 1024 * 1024, "en")).toBe("200 MB");
    expect(formatBytes(1536, "en")).toBe("1.5 KB");
    expect(formatBytes(12, "en")).toBe("12 B");
  });

  it("format durations", () => {
    expect(formatDuration(5.4)).toBe("5 s");
    expect(formatDuration(125)).toBe("2 min 5 s");
    expect(formatDuration(3723)).toBe("1 h 2 min");
  });

  it("make leading spaces of tokens visible", () => {
    expect(displayToken(" Paris")).toBe("␣Paris");
    expect(displayToken("")).toBe("∅");
  });
});

describe("fillMasks", () => {
  it("fills masks left to right like the tokenizer", () => {
    expect(fillMasks("The capital of France is <mask>.", [" Paris"])).toBe("The capital of France is Paris.");
    expect(fillMasks("The weather is <mask> today.", ["im"])).toBe("The weather isim today.");
    expect(fillMasks("<mask> likes <mask>", [" He", " tea"])).toBe("He likes tea");
    expect(fillMasks("a<mask>b", ["X"])).toBe("aXb");
  });

  it("keeps a mask without a token", () => {
    expect(fillMasks("x <mask> y <mask>", [" 1"])).toBe("x 1 y <mask>");
  });
});

describe("webEnv", () => {
  it("applies defaults", () => {
    expect(webEnv({})).toEqual({ uploadDir: "storage/uploads", uploadMaxBytes: 200 * 1024 * 1024, predictTimeoutMs: 30_000, tokenCacheMs: 2_000 });
    expect(webEnv({ MASKFILL_TOKEN_CACHE_MS: "0" }).tokenCacheMs).toBe(0);
  });

  it("parses byte sizes", () => {
    expect(parseByteSize("512kb")).toBe(524_288);
    expect(parseByteSize("1.5 GB")).toBe(1_610_612_736);
    expect(webEnv({ MASKFILL_UPLOAD_MAX_BYTES: "1mb" }).uploadMaxBytes).toBe(1_048_576);
  });

  it("names the invalid variable", () => {
    expect(() => webEnv({ MASKFILL_UPLOAD_MAX_BYTES: "lots" })).toThrow(/MASKFILL_UPLOAD_MAX_BYTES: invalid byte size "lots"/);
    expect(() => webEnv({ MASKFILL_PREDICT_TIMEOUT_MS: "10" })).toThrow(/MASKFILL_PREDICT_TIMEOUT_MS must be at least 100/);
    expect(() => webEnv({ MASKFILL_TOKEN_CACHE_MS: "-5" })).toThrow(/MASKFILL_TOKEN_CACHE_MS: MASKFILL_TOKEN_CACHE_MS must be 0 or more/);
    expect(() => webEnv({ MASKFILL_TOKEN_CACHE_MS: "90000" })).toThrow(/MASKFILL_TOKEN_CACHE_MS must be at most 60000/);
  });
});
