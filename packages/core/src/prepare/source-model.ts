import { readFile, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import { PrepareError } from "./errors.ts";
import { parseOnnxModel, type OnnxModelFile } from "./onnx-model-file.ts";

/** Output of a fill-mask export that the rewriters look for: the LM head ends in it. */
export const LOGITS_OUTPUT = "logits";

/** Largest file protobuf can parse; bigger models must keep their weights in external data files. */
export const PROTOBUF_LIMIT_BYTES = 2 ** 31 - 1;

/** A source ONNX file read and parsed for a rewrite. */
export interface SourceModel {
  bytes: Buffer;
  model: OnnxModelFile;
  /** External data files the graph reads, relative to its folder, sorted. */
  externalDataFiles: string[];
}

/**
 * Reads and parses the ONNX file that `maskfill model <action>` rewrites, and checks that
 * every external data file lies in its folder and exists (onnxruntime loads external data
 * only from the model's folder). Throws PrepareError naming the file and the fix.
 */
export async function readSourceModel(sourcePath: string, sourceDir: string, action: "prepare" | "quantize"): Promise<SourceModel> {
  const size = (await stat(sourcePath)).size;
  if (size > PROTOBUF_LIMIT_BYTES) {
    throw new PrepareError(`${sourcePath} is ${size} bytes, over protobuf's 2 GB limit; export the model with external data (optimum does this for large models) and ${action} that.`);
  }
  const bytes = await readFile(sourcePath);
  let model: OnnxModelFile;
  try {
    model = parseOnnxModel(bytes);
  } catch (error) {
    throw new PrepareError(`Cannot read ${sourcePath} as an ONNX model: ${(error as Error).message}`);
  }
  const externalDataFiles = await checkExternalData(model, sourceDir, sourcePath);
  return { bytes, model, externalDataFiles };
}

/** Throws PrepareError when the graph has no logits output, naming the outputs it has. */
export function requireLogitsOutput(model: OnnxModelFile, sourcePath: string, action: "prepare" | "quantize"): void {
  if (!model.outputNames.includes(LOGITS_OUTPUT)) {
    throw new PrepareError(`${sourcePath} has outputs [${model.outputNames.join(", ")}] but no "${LOGITS_OUTPUT}"; ${action} an optimum fill-mask export (\`optimum-cli export onnx --task fill-mask\`).`);
  }
}

/** Returns true when `path` names a regular file. */
export async function isFile(path: string): Promise<boolean> {
  return stat(path).then((info) => info.isFile(), () => false);
}

async function checkExternalData(model: OnnxModelFile, sourceDir: string, sourcePath: string): Promise<string[]> {
  const locations = [...new Set([...model.initializers.values()].map((initializer) => initializer.externalLocation).filter((location) => location !== null))];
  for (const location of locations) {
    const resolved = resolve(sourceDir, location);
    if (isAbsolute(location) || /^\.\.(?:[\\/]|$)/u.test(relative(sourceDir, resolved))) {
      throw new PrepareError(`${sourcePath} keeps weights in the external data file "${location}", outside ${sourceDir}; onnxruntime loads external data only from the model's directory, so move the file there and re-export.`);
    }
    if (!(await isFile(resolved))) {
      throw new PrepareError(`${sourcePath} keeps weights in the external data file "${location}", which is missing from ${sourceDir}; copy it next to the model.`);
    }
  }
  return locations.sort();
}
