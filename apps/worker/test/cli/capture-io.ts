import type { CliIo } from "../../src/cli/model/cli-io.ts";

/** Creates CLI streams that record what the command writes, with an empty environment. */
export function captureIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) }, env: {} };
}
