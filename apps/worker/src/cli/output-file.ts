import { createWriteStream, type WriteStream } from "node:fs";
import { realpath } from "node:fs/promises";
import { once } from "node:events";
import { dirname, resolve } from "node:path";
import type { Writable } from "node:stream";
import { UsageError } from "./cli-options.ts";

/** An output file opened for a command, with the first write error kept for closeOutputFile. */
export interface OutputFile {
  path: string;
  stream: WriteStream;
  error: Error | null;
}

/**
 * Opens `path` for writing, and throws a one-line error naming the path when the directory is
 * missing, the path is a directory or writing is not permitted. Throws UsageError when `path` is
 * the input file, because opening it would truncate the input.
 */
export async function openOutputFile(path: string, inputPath: string): Promise<OutputFile> {
  if ((await canonicalPath(path)) === (await canonicalPath(inputPath))) {
    throw new UsageError(`--output ${path} is the input file; choose another path, because writing it would overwrite the input.`);
  }
  const stream = createWriteStream(path);
  try {
    await once(stream, "open");
  } catch (error) {
    throw new Error(`cannot write ${path}: ${describeOpenError(error, path)}`);
  }
  const output: OutputFile = { path, stream, error: null };
  // NOTE: a write error after opening (a full disk) is kept here and reported by closeOutputFile.
  stream.on("error", (error) => {
    output.error ??= error;
  });
  return output;
}

/** Ends the output file and waits until it is written; throws a one-line error naming the path when a write failed. */
export async function closeOutputFile(output: OutputFile): Promise<void> {
  if (output.error === null) {
    output.stream.end();
    await Promise.race([once(output.stream, "finish"), once(output.stream, "close")]);
  }
  if (output.error !== null) throw new Error(`cannot write ${output.path}: ${output.error.message}`);
}

function describeOpenError(error: unknown, path: string): string {
  const code = error instanceof Error && "code" in error ? error.code : undefined;
  if (code === "ENOENT") return `the directory ${dirname(resolve(path))} does not exist; create it or choose another --output path.`;
  if (code === "EISDIR") return "it is a directory; give a file path to --output.";
  if (code === "EACCES" || code === "EPERM") return "permission denied; choose a writable --output path.";
  return `${error instanceof Error ? error.message : String(error)}.`;
}

/** Resolves symbolic links where the file exists, so that two names of one file compare equal. */
async function canonicalPath(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Runs `write` on the `--output` file when `outputPath` is given, else on `stdout`, and closes the
 * file after `write` resolves. Throws like openOutputFile and closeOutputFile.
 */
export async function withCorpusOutput<T>(outputPath: string | undefined, inputPath: string, stdout: Writable, write: (output: Writable) => Promise<T>): Promise<T> {
  const file = outputPath === undefined ? null : await openOutputFile(outputPath, inputPath);
  const result = await write(file?.stream ?? stdout);
  if (file !== null) await closeOutputFile(file);
  return result;
}
