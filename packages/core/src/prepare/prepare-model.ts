import { createHash } from "node:crypto";
import { rename, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { readModelFiles } from "../engine/model-files.ts";
import type { ModelVariant } from "../engine/types.ts";
import { PrepareError } from "./errors.ts";
import { findLmHead } from "./find-lm-head.ts";
import { PREPARED_FORMAT_VERSION, PreparedIo, preparedFileName, preparedRecordFileName } from "./prepared-io.ts";
import type { PreparedRecord } from "./prepared-record.ts";
import { rewriteGraph } from "./rewrite-graph.ts";
import { LOGITS_OUTPUT, PROTOBUF_LIMIT_BYTES, readSourceModel, requireLogitsOutput } from "./source-model.ts";
import { writeChunks } from "./write-chunks.ts";

/** Options of prepareModel. */
export interface PrepareModelOptions {
  /** Model directory in the optimum or transformers.js layout. */
  modelDir: string;
  /** ONNX file to prepare; default the directory's default variant, as Engine.load picks it. */
  variant?: ModelVariant;
  /** Stops the run with the signal's reason; the graph being written is removed, and old files stay. */
  signal?: AbortSignal;
}

/** Paths written by prepareModel and the record stored beside the prepared graph. */
export interface PrepareModelResult {
  sourcePath: string;
  preparedPath: string;
  recordPath: string;
  record: PreparedRecord;
}

/**
 * Writes `<name>.prepared.onnx` and `<name>.prepared.json` beside a fill-mask ONNX file. The
 * source file is only read. Weights kept in external data files stay there and the prepared
 * graph refers to the same files. Throws PrepareError (not retryable) naming the file and the
 * unsupported structure.
 */
export async function prepareModel(options: PrepareModelOptions): Promise<PrepareModelResult> {
  const files = await readModelFiles(options.modelDir, options.variant).catch((error: Error) => {
    throw new PrepareError(error.message);
  });
  const sourcePath = files.onnxPath;
  const sourceDir = dirname(sourcePath);
  const preparedPath = join(sourceDir, preparedFileName(basename(sourcePath)));
  const recordPath = join(sourceDir, preparedRecordFileName(basename(sourcePath)));

  const { bytes, model, externalDataFiles } = await readSourceModel(sourcePath, sourceDir, "prepare");
  requireLogitsOutput(model, sourcePath, "prepare");

  let head;
  let rewrite;
  try {
    head = findLmHead(model, LOGITS_OUTPUT);
    rewrite = rewriteGraph(model, head, LOGITS_OUTPUT);
  } catch (error) {
    if (error instanceof PrepareError) {
      throw new PrepareError(`Cannot prepare ${sourcePath}: ${error.message}`);
    }
    throw error;
  }
  if (rewrite.byteLength > PROTOBUF_LIMIT_BYTES) {
    throw new PrepareError(`The prepared graph of ${sourcePath} would be ${rewrite.byteLength} bytes, over protobuf's 2 GB limit; export the model with external data and prepare that.`);
  }

  const preparedSha256 = await writeChunks(preparedPath, rewrite.chunks, options.signal);
  const record: PreparedRecord = {
    formatVersion: PREPARED_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    source: { file: basename(sourcePath), bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") },
    prepared: { file: basename(preparedPath), bytes: rewrite.byteLength, sha256: preparedSha256 },
    irVersion: model.irVersion,
    opsets: Object.fromEntries(model.opsets),
    externalDataFiles,
    hiddenState: head.hiddenState,
    headNodes: head.nodeIndices.map((index) => model.nodes[index]!.node.name ?? model.nodes[index]!.node.output[0] ?? String(index)),
    approximate: head.approximate,
    io: PreparedIo,
    ...rewrite.summary,
  };
  await writeFile(`${recordPath}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${recordPath}.tmp`, recordPath);
  return { sourcePath, preparedPath, recordPath, record };
}
