import type { Writable } from "node:stream";
import { DEMO_MODEL_NOTICE, isBundledModelDir, type Engine, type Outcome } from "@maskfill/core";
import { escapeControlCharacters } from "./terminal-text.ts";

/**
 * Writes the model line and one table per successful outcome to `stdout`, and one error line per
 * failed outcome to `stderr`, then the demo-model notice when the bundled model ran. Returns the
 * exit code: 0 when every outcome succeeded, else 1.
 */
export function writeOutcomeTables<T>(engine: Engine, outcomes: Outcome<T>[], formatTable: (value: T) => string, io: { stdout: Writable; stderr: Writable }): number {
  let failed = 0;
  io.stdout.write(`Model: ${engine.info.name} (${engine.info.variant}) from ${engine.info.modelDir}\n`);
  for (const outcome of outcomes) {
    io.stdout.write("\n");
    if (outcome.ok) {
      io.stdout.write(formatTable(outcome.value));
    } else {
      failed += 1;
      io.stderr.write(`Error (${outcome.error.code}): ${escapeControlCharacters(outcome.error.message)}\n`);
    }
  }
  if (isBundledModelDir(engine.info.modelDir)) io.stdout.write(`\nNote: ${DEMO_MODEL_NOTICE}\n`);
  return failed === 0 ? 0 : 1;
}
