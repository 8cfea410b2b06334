import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine, type FillMaskRequest, type FillMaskResult, type Outcome } from "../../src/engine/index.ts";
import { TINY_DIR } from "./helpers.ts";

function valueOf(outcome: Outcome<FillMaskResult> | undefined): FillMaskResult {
  if (outcome === undefined) throw new Error("missing outcome");
  if (!outcome.ok) throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
  return outcome.value;
}

function errorOf(outcome: Outcome<FillMaskResult> | undefined): { code: string; message: string } {
  if (outcome === undefined || outcome.ok) throw new Error("expected an error outcome");
  return outcome.error;
}

describe("Engine.fillMask rules", () => {
  let engine: Engine;
  const fill = async (request: FillMaskRequest) => (await engine.fillMask([request]))[0];

  beforeAll(async () => {
    engine = await Engine.load({ modelDir: TINY_DIR });
  });
  afterAll(async () => {
    await engine.dispose();
  });

  it("rejects text without a mask", async () => {
    const error = errorOf(await fill({ text: "The cat sat on the mat." }));
    expect(error.code).toBe("no_mask");
    expect(error.message).toContain("<mask>");
    expect(error.message).toContain("[MASK]");
    expect(error.message).toContain("The cat sat on the mat.");
  });

  it("rejects empty text", async () => {
    expect(errorOf(await fill({ text: "" })).code).toBe("no_mask");
  });

  it("rejects a non-string text", async () => {
    const error = errorOf(await fill({ text: 42 } as unknown as FillMaskRequest));
    expect(error.code).toBe("invalid_text");
    expect(error.message).toContain("number");
  });

  it("caps masks at 16 by default", async () => {
    const sixteen = Array.from({ length: 16 }, () => "<mask>").join(" and ");
    expect(valueOf(await fill({ text: sixteen })).masks).toHaveLength(16);
    const error = errorOf(await fill({ text: `${sixteen} and <mask>` }));
    expect(error.code).toBe("too_many_masks");
    expect(error.message).toContain("17 masks");
    expect(error.message).toContain("at most 16");
  });

  it("honours a configured mask cap", async () => {
    const capped = await Engine.load({ modelDir: TINY_DIR, maxMasksPerText: 2 });
    try {
      const [two, three] = await capped.fillMask([{ text: "<mask> and <mask>" }, { text: "<mask> <mask> <mask>" }]);
      expect(valueOf(two).masks).toHaveLength(2);
      expect(errorOf(three).message).toContain("at most 2");
    } finally {
      await capped.dispose();
    }
  });

  it.each([0, -1, 1.5, 1001, Number.NaN])("rejects topK %s", async (topK) => {
    const error = errorOf(await fill({ text: "The <mask>.", topK }));
    expect(error.code).toBe("invalid_top_k");
    expect(error.message).toContain("from 1 to 1000");
    expect(error.message).toContain(String(topK));
  });

  it("rejects a string topK", async () => {
    expect(errorOf(await fill({ text: "The <mask>.", topK: "5" as unknown as number })).code).toBe("invalid_top_k");
  });

  it("returns five predictions by default", async () => {
    expect(valueOf(await fill({ text: "The <mask>." })).masks[0]).toHaveLength(5);
  });

  it("returns the whole vocabulary at topK 1000", async () => {
    const predictions = valueOf(await fill({ text: "The <mask>.", topK: 1000, dropSpecialTokens: false })).masks[0]!;
    expect(predictions).toHaveLength(1000);
    const total = predictions.reduce((sum, p) => sum + p.probability, 0);
    expect(Math.abs(total - 1)).toBeLessThan(1e-5);
    for (let i = 1; i < predictions.length; i += 1) {
      expect(predictions[i]!.probability).toBeLessThanOrEqual(predictions[i - 1]!.probability);
    }
  });

  it("drops special tokens by default", async () => {
    const predictions = valueOf(await fill({ text: "The <mask>.", topK: 1000 })).masks[0]!;
    expect(predictions).toHaveLength(995);
    for (const id of [0, 1, 2, 3, 4]) {
      expect(predictions.map((p) => p.tokenId)).not.toContain(id);
    }
  });

  it("keeps special tokens when asked", async () => {
    const ids = valueOf(await fill({ text: "The <mask>.", topK: 1000, dropSpecialTokens: false })).masks[0]!.map((p) => p.tokenId);
    expect(ids).toContain(0);
    expect(ids).toContain(4);
  });

  it("rejects a non-boolean dropSpecialTokens", async () => {
    expect(errorOf(await fill({ text: "The <mask>.", dropSpecialTokens: "no" as unknown as boolean })).code).toBe("invalid_drop_special_tokens");
  });

  it("keeps other requests when one fails", async () => {
    const good = { text: "The cat sat on the <mask>." };
    const alone = valueOf(await fill(good));
    const outcomes = await engine.fillMask([{ text: "no mask here" }, good, { text: "The <mask>.", topK: 0 }]);
    expect(errorOf(outcomes[0]).code).toBe("no_mask");
    expect(valueOf(outcomes[1])).toEqual(alone);
    expect(errorOf(outcomes[2]).code).toBe("invalid_top_k");
  });

  it("returns an empty list for no requests", async () => {
    expect(await engine.fillMask([])).toEqual([]);
  });

  it("fills typed [MASK] in the sequence", async () => {
    const result = valueOf(await fill({ text: "The cat sat on the  [mask] today.", topK: 2 }));
    for (const prediction of result.masks[0]!) {
      expect(prediction.sequence).toBe(`The cat sat on the${prediction.token} today.`);
    }
  });

  it("leaves other masks as typed", async () => {
    const result = valueOf(await fill({ text: "A <mask> and a [MASK] here.", topK: 1 }));
    const [first, second] = result.masks.map((mask) => mask[0]!);
    expect(first!.sequence).toBe(`A${first!.token} and a [MASK] here.`);
    expect(second!.sequence).toBe(`A <mask> and a${second!.token} here.`);
    expect(first!.sequence).not.toMatch(/<s>|<\/s>/);
  });

  it("scores single-token targets with full-vocabulary probabilities", async () => {
    const full = valueOf(await fill({ text: "The cat sat on the <mask>.", topK: 1000, dropSpecialTokens: false })).masks[0]!;
    const wanted = full.filter((p) => p.token === " the" || p.token === " a");
    expect(wanted).toHaveLength(2);
    const result = valueOf(await fill({ text: "The cat sat on the <mask>.", targets: [" the", " a", " the"] }));
    expect(result.rejectedTargets).toEqual([]);
    expect(result.masks[0]!.map((p) => p.tokenId)).toEqual(wanted.map((p) => p.tokenId));
    result.masks[0]!.forEach((p, i) => expect(Math.abs(p.probability - wanted[i]!.probability)).toBeLessThan(1e-7));
  });

  it("limits topK to the number of targets", async () => {
    const result = valueOf(await fill({ text: "The <mask>.", targets: [" the"], topK: 5 }));
    expect(result.masks[0]).toHaveLength(1);
  });

  it("rejects multi-token targets by name", async () => {
    const result = valueOf(await fill({ text: "The cat sat on the <mask>.", targets: [" the", " Safeway"] }));
    expect(result.masks[0]!.map((p) => p.token)).toEqual([" the"]);
    expect(result.rejectedTargets).toHaveLength(1);
    expect(result.rejectedTargets![0]!.target).toBe(" Safeway");
    expect(result.rejectedTargets![0]!.reason).toMatch(/" Safeway" is \d+ tokens/);
  });

  it("fails when no target is usable", async () => {
    const error = errorOf(await fill({ text: "The <mask>.", targets: ["Safeway", ""] }));
    expect(error.code).toBe("invalid_targets");
    expect(error.message).toContain("Safeway");
    expect(error.message).toContain('try " Safeway"');
  });

  it("rejects an empty target list", async () => {
    expect(errorOf(await fill({ text: "The <mask>.", targets: [] })).code).toBe("invalid_targets");
  });
});

describe("Engine.fillMask on long inputs", () => {
  let engine: Engine;
  const filler = "The cat sat on the mat while the dog slept by the door. ";

  beforeAll(async () => {
    engine = await Engine.load({ modelDir: TINY_DIR });
  });
  afterAll(async () => {
    await engine.dispose();
  });

  it("scores a 512-token window around the masks", async () => {
    const text = `${filler.repeat(60)}Then the <mask> ran off. ${filler.repeat(60)}`;
    const [outcome] = await engine.fillMask([{ text }]);
    const result = valueOf(outcome);
    expect(result.tokenCount).toBeLessThanOrEqual(512);
    expect(result.tokenCount).toBeGreaterThan(500);
    expect(result.window).not.toBeNull();
    const { start, end } = result.window!;
    expect(start).toBeGreaterThan(0);
    expect(end).toBeLessThan(text.length);
    expect(text.slice(start, end)).toContain("Then the <mask> ran off.");

    // The window on its own, encoded afresh, must give the same predictions.
    const [alone] = await engine.fillMask([{ text: text.slice(start, end) }]);
    const windowOnly = valueOf(alone);
    expect(windowOnly.window).toBeNull();
    expect(windowOnly.tokenCount).toBe(result.tokenCount);
    expect(result.masks[0]!.map((p) => p.tokenId)).toEqual(windowOnly.masks[0]!.map((p) => p.tokenId));
    result.masks[0]!.forEach((p, i) => expect(Math.abs(p.probability - windowOnly.masks[0]![i]!.probability)).toBeLessThan(1e-5));
    expect(result.masks[0]![0]!.sequence).toBe(text.replace(" <mask>", result.masks[0]![0]!.token));
  });

  it("keeps 510 tokens of context before a mask in CJK text", async () => {
    // The text has no spaces, so it is one long word that the window must cut inside.
    const text = `${"我们今天去公园散步天气很好".repeat(60)}<mask>。`;
    const result = valueOf((await engine.fillMask([{ text }]))[0]);
    expect(result.tokenCount).toBe(510);
    expect(result.window).toEqual({ start: 612, end: 787 });
  });

  it("keeps emoji context whole", async () => {
    const text = `${"😀".repeat(300)} end <mask>.`;
    const result = valueOf((await engine.fillMask([{ text }]))[0]);
    expect(result.tokenCount).toBe(509);
    expect(result.window).toEqual({ start: 348, end: 612 });
  });

  it("uses no window for short text", async () => {
    expect(valueOf((await engine.fillMask([{ text: "The <mask>." }]))[0]).window).toBeNull();
  });

  it("rejects masks that cannot share a window", async () => {
    const text = `<mask> ${filler.repeat(80)} <mask>`;
    const outcomes = await engine.fillMask([{ text }, { text: "The <mask>." }]);
    const error = errorOf(outcomes[0]);
    expect(error.code).toBe("masks_exceed_window");
    expect(error.message).toContain("512");
    expect(valueOf(outcomes[1]).masks).toHaveLength(1);
  });
});
