import { createHash } from "node:crypto";
import { readFile, rename, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { readModelFiles } from "../engine/model-files.ts";
import type { ModelVariant } from "../engine/types.ts";
import { PrepareError } from "./errors.ts";
import { findLmHead } from "./find-lm-head.ts";
import { parseOnnxModel } from "./onnx-model-file.ts";
import { PREPARED_FORMAT_VERSION, PreparedIo, preparedFileName, preparedRecordFileName } from "./prepared-io.ts";
import type { PreparedRecord } from "./prepared-record.ts";
import { rewriteGraph } from "./rewrite-graph.ts";
import { writeChunks } from "./write-chunks.ts";

/** Name of the fill-mask export's output that the rewrite replaces. */
const LOGITS_OUTPUT = "logits";

/** Largest file protobuf can parse; bigger models must keep their weights in external data files. */
const PROTOBUF_LIMIT_BYTES = 2 ** 31 - 1;

/** Options of prepareModel. */
export interface PrepareModelOptions {
  /** Model directory in the optimum or transformers.js layout. */
  modelDir: string;
  /** ONNX file to prepare; default the directory's default variant, as Engine.load picks it. */
  variant?: ModelVariant;
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

  const sourceSize = (await stat(sourcePath)).size;
  if (sourceSize > PROTOBUF_LIMIT_BYTES) {
    throw new PrepareError(`${sourcePath} is ${sourceSize} bytes, over protobuf's 2 GB limit; export the model with external data (optimum does this for large models) and prepare that.`);
  }
  const bytes = await readFile(sourcePath);
  const model = parseGraph(bytes, sourcePath);
  if (!model.outputNames.includes(LOGITS_OUTPUT)) {
    throw new PrepareError(`${sourcePath} has outputs [${model.outputNames.join(", ")}] but no "${LOGITS_OUTPUT}"; prepare an optimum fill-mask export (\`optimum-cli export onnx --task fill-mask\`).`);
  }
  const externalData = await checkExternalData(model.initializers, sourceDir, sourcePath);

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

  const preparedSha256 = await writeChunks(preparedPath, rewrite.chunks);
  const record: PreparedRecord = {
    formatVersion: PREPARED_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    source: { file: basename(sourcePath), bytes: sourceSize, sha256: createHash("sha256").update(bytes).digest("hex") },
    prepared: { file: basename(preparedPath), bytes: rewrite.byteLength, sha256: preparedSha256 },
    irVersion: model.irVersion,
    opsets: Object.fromEntries(model.opsets),
    externalDataFiles: externalData,
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

function parseGraph(bytes: Buffer, sourcePath: string): ReturnType<typeof parseOnnxModel> {
  try {
    return parseOnnxModel(bytes);
  } catch (error) {
    throw new PrepareError(`Cannot read ${sourcePath} as an ONNX model: ${(error as Error).message}`);
  }
}

/** Checks that every external data file exists beside the source; returns their relative paths. */
async function checkExternalData(initializers: ReturnType<typeof parseOnnxModel>["initializers"], sourceDir: string, sourcePath: string): Promise<string[]> {
  const locations = [...new Set([...initializers.values()].map((initializer) => initializer.externalLocation).filter((location) => location !== null))];
  for (const location of locations) {
    const present = await stat(join(sourceDir, location)).then((info) => info.isFile(), () => false);
    if (!present) {
      throw new PrepareError(`${sourcePath} keeps weights in the external data file "${location}", which is missing from ${sourceDir}; copy it next to the model.`);
    }
  }
  return locations.sort();
}
