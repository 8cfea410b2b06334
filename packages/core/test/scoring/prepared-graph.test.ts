import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine, type ScoreRequest } from "../../src/engine/index.ts";
import { prepareModel } from "../../src/prepare/index.ts";
import { readJsonLines, TINY_DIR } from "../engine/helpers.ts";
import { copyTinyModel } from "../prepare/helpers.ts";
import { scored, type GoldenPll } from "./helpers.ts";

describe("scoring with a prepared graph", () => {
  let model: { dir: string; cleanup: () => Promise<void> };
  let prepared: Engine;
  let plain: Engine;
  let golden: GoldenPll[];
  let requests: ScoreRequest[];

  beforeAll(async () => {
    model = await copyTinyModel();
    await prepareModel({ modelDir: model.dir });
    prepared = await Engine.load({ modelDir: model.dir });
    plain = await Engine.load({ modelDir: TINY_DIR });
    golden = await readJsonLines<GoldenPll>(join(TINY_DIR, "golden/pll.jsonl"));
    requests = golden.flatMap((reference) => [{ text: reference.text }, { text: reference.text, variant: "within_word_l2r" as const }]);
  });
  afterAll(async () => {
    await prepared?.dispose();
    await plain?.dispose();
    await model?.cleanup();
  });

  it("loads the prepared runner", () => {
    expect(prepared.preparedRunner).not.toBeNull();
    expect(plain.preparedRunner).toBeNull();
  });

  it("matches the plain graph per token", async () => {
    const fromPrepared = (await prepared.score(requests)).map(scored);
    const fromPlain = (await plain.score(requests)).map(scored);
    let maxDifference = 0;
    fromPrepared.forEach((result, i) => {
      expect(result.variant).toBe(fromPlain[i]!.variant);
      expect(result.tokens.map((token) => token.tokenId)).toEqual(fromPlain[i]!.tokens.map((token) => token.tokenId));
      result.tokens.forEach((token, k) => {
        maxDifference = Math.max(maxDifference, Math.abs(token.logProb - fromPlain[i]!.tokens[k]!.logProb));
      });
    });
    expect(maxDifference).toBeLessThan(1e-5);
  });

  it("matches the golden token values", async () => {
    const results = (await prepared.score(golden.map((reference) => ({ text: reference.text })))).map(scored);
    golden.forEach((reference, i) => {
      reference.tokens.forEach((token, k) => {
        expect(Math.abs(results[i]!.tokens[k]!.logProb - token.logProb), `${reference.text} token ${k}`).toBeLessThan(1e-4);
      });
    });
  });
});
