import { join } from "node:path";
import { expect } from "vitest";
import type { Outcome, ScoreResult } from "../../src/engine/index.ts";
import { BUNDLED_MINI_DIR, makeModelDir, MINI_FIXTURE_DIR } from "../engine/helpers.ts";

/** One token of a golden pll.jsonl line. */
export interface GoldenPllToken {
  index: number;
  id: number;
  token: string;
  logProb: number;
}

/** One line of a golden pll.jsonl file. */
export interface GoldenPll {
  text: string;
  pll: number;
  tokenCount: number;
  pseudoPerplexity: number;
  tokens: GoldenPllToken[];
}

/**
 * Creates a model directory with the fp32 mini weights (a test fixture) and the bundled
 * tokenizer and config. The fp32 graph gives batch-independent results, unlike the int8 one.
 */
export function makeMiniFp32Dir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  return makeModelDir({
    "model.onnx": join(MINI_FIXTURE_DIR, "model.onnx"),
    "tokenizer.json": join(BUNDLED_MINI_DIR, "tokenizer.json"),
    "tokenizer_config.json": join(BUNDLED_MINI_DIR, "tokenizer_config.json"),
    "config.json": join(BUNDLED_MINI_DIR, "config.json"),
  });
}

/** Returns the value of a successful outcome and fails the test with the error message otherwise. */
export function scored(outcome: Outcome<ScoreResult> | undefined): ScoreResult {
  expect(outcome, "missing outcome").toBeDefined();
  if (!outcome!.ok) {
    throw new Error(`expected a score, got ${outcome!.error.code}: ${outcome!.error.message}`);
  }
  return outcome!.value;
}
