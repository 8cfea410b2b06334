import { open } from "node:fs/promises";
import { join } from "node:path";
import { PrepareError } from "./errors.ts";
import type { GraphInitializer, OnnxModelFile } from "./onnx-model-file.ts";
import { onnxTypes, OnnxDataType } from "./onnx-schema.ts";
import { scanFields } from "./protobuf-fields.ts";

/** TensorProto fields read here: float_data (4) and external_data (13). */
const TensorField = { floatData: 4, externalData: 13 } as const;

/**
 * Reads the values of a float32 initializer: inline `raw_data`, inline `float_data`, or a range
 * of an external data file beside the model (`location`, `offset`, `length` entries).
 * `modelDir` is the folder of the .onnx file. Throws PrepareError naming the tensor when its
 * type is not float32 or its data is missing or has the wrong size.
 */
export async function readFloatInitializer(model: OnnxModelFile, initializer: GraphInitializer, modelDir: string): Promise<Float32Array> {
  const { header } = initializer;
  const name = header.name ?? "";
  if (header.data_type !== OnnxDataType.float) {
    throw new PrepareError(`Initializer "${name}" has ONNX data type ${String(header.data_type)}, not float32 (1); only float32 weights can be quantized.`);
  }
  const count = (header.dims ?? []).reduce((product, dim) => product * dim, 1);
  const bytes = initializer.externalLocation === null ? inlineBytes(model, initializer) : await externalBytes(model, initializer, modelDir);
  if (bytes.byteLength !== count * 4) {
    throw new PrepareError(`Initializer "${name}" contains ${bytes.byteLength} bytes, but its shape [${(header.dims ?? []).join(", ")}] needs ${count * 4}; the model file is damaged.`);
  }
  // Copy into an aligned buffer: raw_data views start at arbitrary file offsets.
  const values = new Float32Array(count);
  new Uint8Array(values.buffer).set(bytes);
  return values;
}

function inlineBytes(model: OnnxModelFile, initializer: GraphInitializer): Uint8Array {
  if (initializer.header.raw_data !== undefined) {
    return initializer.header.raw_data;
  }
  const fields = scanFields(model.bytes, initializer.field.valueStart, initializer.field.end);
  const floatData = fields.find((field) => field.fieldNumber === TensorField.floatData);
  if (floatData === undefined) {
    return new Uint8Array(0);
  }
  // Packed repeated float: little-endian IEEE values, as raw_data stores them.
  return model.bytes.subarray(floatData.valueStart, floatData.end);
}

async function externalBytes(model: OnnxModelFile, initializer: GraphInitializer, modelDir: string): Promise<Uint8Array> {
  const entries = new Map<string, string>();
  for (const field of scanFields(model.bytes, initializer.field.valueStart, initializer.field.end)) {
    if (field.fieldNumber !== TensorField.externalData) {
      continue;
    }
    const entry = onnxTypes.stringStringEntry.toObject(onnxTypes.stringStringEntry.decode(model.bytes.subarray(field.valueStart, field.end))) as { key?: string; value?: string };
    if (entry.key !== undefined && entry.value !== undefined) {
      entries.set(entry.key, entry.value);
    }
  }
  const name = initializer.header.name ?? "";
  const location = initializer.externalLocation ?? "";
  const offset = Number(entries.get("offset") ?? "0");
  const count = (initializer.header.dims ?? []).reduce((product, dim) => product * dim, 1);
  const length = entries.has("length") ? Number(entries.get("length")) : count * 4;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new PrepareError(`Initializer "${name}" has an invalid external data range (offset ${entries.get("offset")}, length ${entries.get("length")}) in ${location}; re-export the model.`);
  }
  const file = await open(join(modelDir, location), "r");
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, offset);
    if (bytesRead !== length) {
      throw new PrepareError(`External data file ${location} ends before the ${length} bytes of "${name}" at offset ${offset}; the file is truncated.`);
    }
    return buffer;
  } finally {
    await file.close();
  }
}
