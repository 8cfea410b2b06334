import { readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type * as ort from "onnxruntime-node";
import type { Logger } from "pino";
import { PREPARED_FORMAT_VERSION, PreparedIo, preparedFileName, preparedRecordFileName } from "./prepared-io.ts";
import { preparedRecordSchema } from "./prepared-record.ts";
import { PreparedRunner } from "./prepared-runner.ts";

/** Options of loadPreparedGraph, supplied by the engine that loads the plain export. */
export interface LoadPreparedOptions {
  /** Path of the prepared graph, as findPreparedGraph returns it. */
  path: string;
  /** Creates a session with the engine's provider and tuning options. */
  createSession: (path: string) => Promise<ort.InferenceSession>;
  tokenBudget: number;
  /** Cap on sequences per batch, as for the plain export's runner. */
  maxRowsPerBatch: number;
  padTokenId: number;
  vocabSize: number;
  logger: Logger;
}

/** A loaded prepared graph: its session and a runner over it. */
export interface LoadedPreparedGraph {
  path: string;
  session: ort.InferenceSession;
  runner: PreparedRunner;
  /** True for int8 graphs, whose gathered head differs slightly from the full one. */
  approximate: boolean;
}

/**
 * Returns the path of `<name>.prepared.onnx` beside the plain export when it exists and its
 * record matches the export. Returns null when there is none, and null with a warning log
 * when it was made from a different source file or has an older format: the plain export
 * gives the same results, only slower.
 */
export async function findPreparedGraph(sourcePath: string, logger: Logger): Promise<string | null> {
  const dir = dirname(sourcePath);
  const path = join(dir, preparedFileName(basename(sourcePath)));
  const recordPath = join(dir, preparedRecordFileName(basename(sourcePath)));
  const present = await stat(path).then((info) => info.isFile(), () => false);
  if (!present) {
    return null;
  }
  const problem = await checkRecord(recordPath, sourcePath);
  if (problem !== null) {
    logger.warn({ preparedPath: path, recordPath, problem }, "Ignoring the prepared graph; run `maskfill model prepare` again");
    return null;
  }
  return path;
}

/**
 * Loads a prepared graph found by findPreparedGraph. Returns null, with a warning log, when
 * onnxruntime cannot load it or its inputs are not those the rewriter writes.
 */
export async function loadPreparedGraph(options: LoadPreparedOptions): Promise<LoadedPreparedGraph | null> {
  const { path, logger } = options;
  const recordPath = join(dirname(path), basename(path).replace(/\.onnx$/u, ".json"));
  let session: ort.InferenceSession;
  try {
    session = await options.createSession(path);
  } catch (error) {
    logger.warn({ preparedPath: path, err: error }, "Ignoring the prepared graph because onnxruntime cannot load it");
    return null;
  }
  const expected = [PreparedIo.positions, PreparedIo.topK, PreparedIo.targetIds];
  if (!expected.every((name) => session.inputNames.includes(name))) {
    await session.release();
    logger.warn({ preparedPath: path, inputs: session.inputNames }, "Ignoring the prepared graph because its inputs are not those of `maskfill model prepare`");
    return null;
  }
  const record = preparedRecordSchema.parse(JSON.parse(await readFile(recordPath, "utf8")));
  const runner = new PreparedRunner(session, options.tokenBudget, options.padTokenId, options.vocabSize, options.maxRowsPerBatch);
  logger.info({ preparedPath: path, approximate: record.approximate }, "Prepared graph loaded");
  return { path, session, runner, approximate: record.approximate };
}

/** Returns why the record does not match the source file, or null when it does. */
async function checkRecord(recordPath: string, sourcePath: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(recordPath, "utf8");
  } catch {
    return `record ${recordPath} not found`;
  }
  let parsed;
  try {
    parsed = preparedRecordSchema.safeParse(JSON.parse(text));
  } catch (error) {
    return `record ${recordPath} is not valid JSON: ${(error as Error).message}`;
  }
  if (!parsed.success) {
    return `record ${recordPath} has unexpected content: ${parsed.error.issues[0]?.message ?? "unknown"}`;
  }
  if (parsed.data.formatVersion !== PREPARED_FORMAT_VERSION) {
    return `record format ${parsed.data.formatVersion} differs from the current ${PREPARED_FORMAT_VERSION}`;
  }
  // NOTE: only the size is compared at load time; hashing a 1.6 GB export would add seconds.
  const sourceBytes = (await stat(sourcePath)).size;
  if (parsed.data.source.bytes !== sourceBytes || parsed.data.source.file !== basename(sourcePath)) {
    return `record was made from ${parsed.data.source.file} of ${parsed.data.source.bytes} bytes, but ${basename(sourcePath)} has ${sourceBytes}`;
  }
  return null;
}
