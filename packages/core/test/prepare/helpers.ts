import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const TINY_DIR = fileURLToPath(new URL("../fixtures/tiny-roberta", import.meta.url));
export const WRONG_IO_ONNX = fileURLToPath(new URL("../fixtures/wrong-io.onnx", import.meta.url));

/** Copies the tiny model into a fresh temporary directory; returns it and a cleanup function. */
export async function copyTinyModel(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "maskfill-prepare-"));
  await cp(TINY_DIR, dir, { recursive: true });
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
