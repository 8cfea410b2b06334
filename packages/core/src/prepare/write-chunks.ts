import { createHash } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";

/** Writes the chunks to a temporary file, renames it into place and returns its sha256. */
export async function writeChunks(path: string, chunks: readonly Uint8Array[]): Promise<string> {
  const temporary = `${path}.tmp`;
  const hash = createHash("sha256");
  const file = await open(temporary, "w");
  try {
    for (const chunk of chunks) {
      hash.update(chunk);
      await file.write(chunk);
    }
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  await rename(temporary, path);
  return hash.digest("hex");
}
