import { open, type FileHandle } from "node:fs/promises";
import { VarintDecoder } from "./protobuf-varint.ts";

// Protobuf field numbers from onnx.proto: ModelProto.graph = 7, GraphProto.node = 1,
// GraphProto.initializer = 5, NodeProto.op_type = 4, TensorProto.dims = 1.
const MODEL_GRAPH_FIELD = 7;
const GRAPH_NODE_FIELD = 1;
const GRAPH_INITIALIZER_FIELD = 5;
const NODE_OP_TYPE_FIELD = 4;
const TENSOR_DIMS_FIELD = 1;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** Facts about an ONNX file that onnxruntime does not report. */
export interface OnnxFileSummary {
  /** Elements of all initializers (the weights). */
  parameterCount: number;
  /** Operator types used by the graph's nodes, e.g. "MatMul", "DynamicQuantizeLinear". */
  opTypes: Set<string>;
}

/**
 * Counts the initializer elements of an ONNX model file and lists its operator types. It
 * reads only protobuf headers and node records and seeks past tensor data, so a 1.6 GB file
 * costs a few reads.
 */
export async function inspectOnnxFile(path: string): Promise<OnnxFileSummary> {
  const file = await open(path, "r");
  try {
    const reader = new PositionalReader(file, (await file.stat()).size);
    const opTypes = new Set<string>();
    let total = 0;
    await forEachField(reader, 0, reader.size, async (field, wireType, start, end) => {
      if (field !== MODEL_GRAPH_FIELD || wireType !== WIRE_LENGTH_DELIMITED) {
        return;
      }
      await forEachField(reader, start, end, async (graphField, graphWire, tensorStart, tensorEnd) => {
        if (graphField === GRAPH_INITIALIZER_FIELD && graphWire === WIRE_LENGTH_DELIMITED) {
          total += await countTensorElements(reader, tensorStart, tensorEnd);
        } else if (graphField === GRAPH_NODE_FIELD && graphWire === WIRE_LENGTH_DELIMITED) {
          await forEachField(reader, tensorStart, tensorEnd, async (nodeField, nodeWire, valueStart, valueEnd) => {
            if (nodeField === NODE_OP_TYPE_FIELD && nodeWire === WIRE_LENGTH_DELIMITED) {
              opTypes.add(await reader.readText(valueStart, valueEnd));
            }
          });
        }
      });
    });
    return { parameterCount: total, opTypes };
  } finally {
    await file.close();
  }
}

async function countTensorElements(reader: PositionalReader, start: number, end: number): Promise<number> {
  let elements = 1;
  await forEachField(reader, start, end, async (field, wireType, valueStart, valueEnd, varint) => {
    if (field !== TENSOR_DIMS_FIELD) {
      return;
    }
    if (wireType === WIRE_VARINT) {
      elements *= varint;
      return;
    }
    if (wireType === WIRE_LENGTH_DELIMITED) {
      let position = valueStart;
      while (position < valueEnd) {
        const [dim, next] = await reader.readVarint(position);
        elements *= dim;
        position = next;
      }
    }
  });
  return elements;
}

type FieldVisitor = (field: number, wireType: number, valueStart: number, valueEnd: number, varint: number) => Promise<void>;

/** Visits each field of the message in [start, end); `varint` is the value for varint fields. */
async function forEachField(reader: PositionalReader, start: number, end: number, visit: FieldVisitor): Promise<void> {
  let position = start;
  while (position < end) {
    const [key, afterKey] = await reader.readVarint(position);
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (wireType === WIRE_VARINT) {
      const [value, next] = await reader.readVarint(afterKey);
      await visit(field, wireType, afterKey, next, value);
      position = next;
    } else if (wireType === WIRE_LENGTH_DELIMITED) {
      const [length, valueStart] = await reader.readVarint(afterKey);
      await visit(field, wireType, valueStart, valueStart + length, 0);
      position = valueStart + length;
    } else if (wireType === WIRE_FIXED64) {
      position = afterKey + 8;
    } else if (wireType === WIRE_FIXED32) {
      position = afterKey + 4;
    } else {
      throw new Error(`Unsupported protobuf wire type ${wireType} at byte ${position}; the file is not a valid ONNX model.`);
    }
  }
  if (position !== end) {
    throw new Error(`Protobuf message overruns its length at byte ${end}; the ONNX file is truncated or corrupt.`);
  }
}

/** Reads varints at arbitrary file offsets through a small cache window. */
class PositionalReader {
  private cache = Buffer.alloc(0);
  private cacheStart = 0;

  constructor(
    private readonly file: FileHandle,
    readonly size: number,
  ) {}

  /** Decodes the varint at `position`; returns its value (up to 2^53) and the offset after it. */
  async readVarint(position: number): Promise<[number, number]> {
    const decoder = new VarintDecoder(position);
    for (let offset = position; ; offset += 1) {
      const value = decoder.push(await this.readByte(offset));
      if (value !== undefined) {
        return [value, offset + 1];
      }
    }
  }

  /** Decodes bytes [start, end) as UTF-8 text. */
  async readText(start: number, end: number): Promise<string> {
    const bytes: number[] = [];
    for (let position = start; position < end; position += 1) {
      bytes.push(await this.readByte(position));
    }
    return Buffer.from(bytes).toString("utf8");
  }

  private async readByte(position: number): Promise<number> {
    if (position >= this.size) {
      throw new Error(`Unexpected end of file at byte ${position}; the ONNX file is truncated.`);
    }
    const index = position - this.cacheStart;
    if (index < 0 || index >= this.cache.length) {
      const length = Math.min(64 * 1024, this.size - position);
      const buffer = Buffer.alloc(length);
      await this.file.read(buffer, 0, length, position);
      this.cache = buffer;
      this.cacheStart = position;
      return buffer[0] ?? 0;
    }
    return this.cache[index] ?? 0;
  }
}
