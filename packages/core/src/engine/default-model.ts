import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Shown wherever the bundled model is in use, so results are not mistaken for roberta-large's. */
export const DEMO_MODEL_NOTICE =
  "Using the bundled mini-roberta, a small demo model (4 layers, 8,192-token vocabulary, int8 weights) whose predictions are rough. For research-quality results run `maskfill model fetch roberta-large` and pass --model with the directory it prints.";

/** The repository's bundled model directory, models/mini-roberta. */
export const BUNDLED_MODEL_DIR = fileURLToPath(new URL("../../../../models/mini-roberta", import.meta.url));

/**
 * Returns the default model directory: MASKFILL_MODEL_DIR when set and not blank, else the
 * bundled mini-roberta.
 */
export function defaultModelDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.MASKFILL_MODEL_DIR?.trim();
  return fromEnv ? fromEnv : BUNDLED_MODEL_DIR;
}

/** Returns true when `modelDir` is the bundled demo model, so callers can show DEMO_MODEL_NOTICE. */
export function isBundledModelDir(modelDir: string): boolean {
  return resolve(modelDir) === BUNDLED_MODEL_DIR;
}
