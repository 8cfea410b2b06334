import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GraphField, ModelField, parseOnnxModel } from "../../src/prepare/onnx-model-file.ts";
import { encodeStringEntry } from "../../src/prepare/onnx-schema.ts";
import { fieldBytes, lengthDelimitedField, scanFields } from "../../src/prepare/protobuf-fields.ts";

export const TINY_DIR = fileURLToPath(new URL("../fixtures/tiny-roberta", import.meta.url));
export const WRONG_IO_ONNX = fileURLToPath(new URL("../fixtures/wrong-io.onnx", import.meta.url));

/** Reads a JSON-lines file into objects. */
export async function readLines<T>(path: string): Promise<T[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

/** Copies the tiny model into a fresh temporary directory; returns it and a cleanup function. */
export async function copyTinyModel(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "maskfill-prepare-"));
  await cp(TINY_DIR, dir, { recursive: true });
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Rewrites an ONNX model so every initializer keeps its raw data in `dataFileName` (ONNX
 * external data: data_location EXTERNAL with location, offset and length entries), as exports
 * of models over 2 GB do. Returns the new model bytes and the data file bytes.
 */
export function moveWeightsToExternalData(source: Buffer, dataFileName: string): { model: Buffer; data: Buffer } {
  const model = parseOnnxModel(source);
  const dataChunks: Buffer[] = [];
  let offset = 0;
  const graphParts: Uint8Array[] = [];
  for (const field of model.graphFields) {
    if (field.fieldNumber !== GraphField.initializer) {
      graphParts.push(fieldBytes(source, field));
      continue;
    }
    const tensorParts: Uint8Array[] = [];
    for (const tensorField of scanFields(source, field.valueStart, field.end)) {
      if (tensorField.fieldNumber === 9) {
        const raw = source.subarray(tensorField.valueStart, tensorField.end);
        const entries = { location: dataFileName, offset: String(offset), length: String(raw.length) };
        for (const [key, value] of Object.entries(entries)) {
          tensorParts.push(lengthDelimitedField(13, encodeStringEntry(key, value)));
        }
        tensorParts.push(Uint8Array.of(14 * 8, 1));
        dataChunks.push(Buffer.from(raw));
        offset += raw.length;
      } else {
        tensorParts.push(fieldBytes(source, tensorField));
      }
    }
    graphParts.push(lengthDelimitedField(GraphField.initializer, Buffer.concat(tensorParts)));
  }
  const graph = Buffer.concat(graphParts);
  const modelParts = model.modelFields.map((field) => (field === model.graphField ? lengthDelimitedField(ModelField.graph, graph) : fieldBytes(source, field)));
  return { model: Buffer.concat(modelParts), data: Buffer.concat(dataChunks) };
}
