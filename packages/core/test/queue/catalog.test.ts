import { describe, expect, it } from "vitest";
import { InvalidPayloadError, chunkJobName, kindOfJobName, parseJobPayload } from "../../src/queue/catalog.ts";

const jobId = "6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";

describe("job catalog", () => {
  it("fills fill-mask defaults", () => {
    const payload = parseJobPayload("fill-mask", { jobId, text: "A <mask>.", options: {} });
    expect(payload).toEqual({ jobId, text: "A <mask>.", options: { topK: 5, dropSpecialTokens: true } });
  });

  it("fills score defaults", () => {
    const payload = parseJobPayload("score", { jobId, text: "A cat.", options: {} });
    expect(payload.options).toEqual({ variant: "original" });
  });

  it("accepts a chunk payload", () => {
    const payload = parseJobPayload("fill-mask-chunk", { jobId, start: 1, end: 257, options: { topK: 3 } });
    expect(payload).toEqual({ jobId, start: 1, end: 257, options: { topK: 3, dropSpecialTokens: true } });
  });

  it.each([
    ["fill-mask", { jobId: "42", text: "a <mask>", options: {} }, 'Invalid payload for job "fill-mask": jobId: jobId must be a UUID.'],
    ["fill-mask", { jobId, text: "", options: {} }, 'Invalid payload for job "fill-mask": text: text must not be empty.'],
    ["fill-mask", { jobId, text: "a <mask>", options: { topK: 0 } }, 'Invalid payload for job "fill-mask": options.topK: topK must be at least 1.'],
    ["fill-mask", { jobId, text: "a <mask>", options: { topK: 2.5 } }, 'Invalid payload for job "fill-mask": options.topK: topK must be a whole number.'],
    ["score", { jobId, text: "a", options: { variant: "l2r" } }, 'Invalid payload for job "score": options.variant: variant must be original or within_word_l2r.'],
    ["score-chunk", { jobId, start: 10, end: 10, options: {} }, 'Invalid payload for job "score-chunk": payload: end must be greater than start.'],
    ["fill-mask-chunk", { jobId, start: -1, end: 10, options: {} }, 'Invalid payload for job "fill-mask-chunk": start: start must be 0 or more.'],
  ])("rejects an invalid %s payload", (name, data, message) => {
    expect(() => parseJobPayload(name, data)).toThrow(new InvalidPayloadError(message));
  });

  it("rejects unknown fields", () => {
    expect(() => parseJobPayload("fill-mask", { jobId, text: "a <mask>", options: {}, extra: 1 })).toThrow(/Unrecognized key: "extra"/);
  });

  it("rejects an unknown job name", () => {
    expect(() => parseJobPayload("translate", {})).toThrow('Unknown job name "translate"; expected one of fill-mask, score, fill-mask-chunk, score-chunk.');
  });

  it("maps job names to kinds", () => {
    expect(kindOfJobName("fill-mask")).toBe("fill-mask");
    expect(kindOfJobName("score-chunk")).toBe("score");
    expect(kindOfJobName("translate-chunk")).toBeUndefined();
    expect(chunkJobName("score")).toBe("score-chunk");
  });

  it("marks invalid payloads as not retryable", () => {
    try {
      parseJobPayload("score", null);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidPayloadError);
      expect((error as InvalidPayloadError).retryable).toBe(false);
    }
  });
});
