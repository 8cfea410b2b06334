import { createHash } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";

/**
 * Writes the chunks to a temporary file, renames it into place and returns its sha256. When
 * `signal` aborts between chunks, the temporary file is removed and the abort reason is thrown,
 * so `path` keeps its old content.
 */
export async function writeChunks(path: string, chunks: readonly Uint8Array[], signal?: AbortSignal): Promise<string> {
  const temporary = `${path}.tmp`;
  const hash = createHash("sha256");
  const file = await open(temporary, "w");
  try {
    for (const chunk of chunks) {
      signal?.throwIfAborted();
      hash.update(chunk);
      await file.write(chunk);
    }
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();
  if (signal?.aborted === true) {
    await rm(temporary, { force: true });
    signal.throwIfAborted();
  }
  await rename(temporary, path);
  return hash.digest("hex");
}
