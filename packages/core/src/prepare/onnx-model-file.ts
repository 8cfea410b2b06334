import { decodeNode, decodeOperatorSet, decodeTensorHeader, encodeStringEntry, onnxTypes, type OnnxNode, type OnnxTensorHeader } from "./onnx-schema.ts";
import { fieldBytes, fieldString, lengthDelimitedField, lengthDelimitedHeader, scanFields, WireType, type RawField } from "./protobuf-fields.ts";

/** Field numbers of onnx.proto's ModelProto. */
export const ModelField = { irVersion: 1, graph: 7, opsetImport: 8, metadataProps: 14 } as const;

/** Field numbers of onnx.proto's GraphProto. */
export const GraphField = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13 } as const;

/** Field numbers of onnx.proto's TensorProto that matter for external data. */
const TensorField = { externalData: 13, dataLocation: 14 } as const;

/** A node of the graph with the raw field it was decoded from. */
export interface GraphNode {
  /** Index among the graph's nodes, in file order (ONNX requires topological order). */
  index: number;
  field: RawField;
  node: OnnxNode;
}

/** An initializer's header (name, dims, type); its data is not copied. */
export interface GraphInitializer {
  field: RawField;
  header: OnnxTensorHeader;
  /** Relative path of the external data file when the weights are stored outside the .onnx file. */
  externalLocation: string | null;
}

/**
 * An ONNX model file split into fields: the ModelProto fields, the GraphProto fields, decoded
 * nodes, and initializer headers. Values of large fields stay views into `bytes`.
 */
export interface OnnxModelFile {
  bytes: Buffer;
  modelFields: RawField[];
  graphField: RawField;
  graphFields: RawField[];
  nodes: GraphNode[];
  initializers: Map<string, GraphInitializer>;
  inputNames: string[];
  outputNames: string[];
  irVersion: number;
  /** Opset versions by domain ("" is the default ONNX domain). */
  opsets: Map<string, number>;
}

/** Parses an ONNX model file's structure. Throws an Error naming the problem on malformed input. */
export function parseOnnxModel(bytes: Buffer): OnnxModelFile {
  const modelFields = scanFields(bytes);
  const graphFields = modelFields.filter((field) => field.fieldNumber === ModelField.graph && field.wireType === WireType.lengthDelimited);
  if (graphFields.length !== 1) {
    throw new Error(`Expected one graph in the ModelProto, found ${graphFields.length}; the file is not an ONNX model.`);
  }
  const graphField = graphFields[0]!;
  const fieldsOfGraph = scanFields(bytes, graphField.valueStart, graphField.end);

  const nodes: GraphNode[] = [];
  const initializers = new Map<string, GraphInitializer>();
  const inputNames: string[] = [];
  const outputNames: string[] = [];
  for (const field of fieldsOfGraph) {
    const value = bytes.subarray(field.valueStart, field.end);
    if (field.fieldNumber === GraphField.node) {
      nodes.push({ index: nodes.length, field, node: decodeNode(value) });
    } else if (field.fieldNumber === GraphField.initializer) {
      const header = decodeTensorHeader(value);
      initializers.set(header.name ?? "", { field, header, externalLocation: externalLocation(bytes, field) });
    } else if (field.fieldNumber === GraphField.input) {
      inputNames.push(valueInfoName(value));
    } else if (field.fieldNumber === GraphField.output) {
      outputNames.push(valueInfoName(value));
    }
  }

  const opsets = new Map<string, number>();
  let irVersion = 0;
  for (const field of modelFields) {
    if (field.fieldNumber === ModelField.opsetImport) {
      const opset = decodeOperatorSet(bytes.subarray(field.valueStart, field.end));
      opsets.set(opset.domain, opset.version);
    } else if (field.fieldNumber === ModelField.irVersion && field.wireType === WireType.varint) {
      irVersion = field.varint;
    }
  }
  return { bytes, modelFields, graphField, graphFields: fieldsOfGraph, nodes, initializers, inputNames, outputNames, irVersion, opsets };
}

/** Returns the name of a serialized ValueInfoProto. */
export function valueInfoName(bytes: Uint8Array): string {
  const nameField = scanFields(bytes).find((field) => field.fieldNumber === 1 && field.wireType === WireType.lengthDelimited);
  return nameField === undefined ? "" : fieldString(bytes, nameField);
}

/** Returns the external data file of an initializer (the `location` entry), or null when its data is inline. */
function externalLocation(bytes: Buffer, tensorField: RawField): string | null {
  const fields = scanFields(bytes, tensorField.valueStart, tensorField.end);
  const isExternal = fields.some((field) => field.fieldNumber === TensorField.dataLocation && field.varint === 1);
  if (!isExternal) {
    return null;
  }
  for (const field of fields) {
    if (field.fieldNumber !== TensorField.externalData) {
      continue;
    }
    const entry = onnxTypes.stringStringEntry.toObject(onnxTypes.stringStringEntry.decode(bytes.subarray(field.valueStart, field.end))) as { key?: string; value?: string };
    if (entry.key === "location" && entry.value !== undefined) {
      return entry.value;
    }
  }
  return null;
}

/** Returns the bytes of a raw field of the model file, key included. */
export function rawFieldBytes(model: OnnxModelFile, field: RawField): Uint8Array {
  return fieldBytes(model.bytes, field);
}

/**
 * Builds a model file from `model` with its graph replaced by `graphChunks` (serialized
 * GraphProto fields) and one metadata_props entry appended. Unchanged fields stay views into
 * the source bytes.
 */
export function replaceGraph(model: OnnxModelFile, graphChunks: readonly Uint8Array[], metadata: { key: string; value: string }): { chunks: Uint8Array[]; byteLength: number } {
  const graphLength = graphChunks.reduce((total, chunk) => total + chunk.length, 0);
  const chunks: Uint8Array[] = [];
  for (const field of model.modelFields) {
    if (field === model.graphField) {
      chunks.push(lengthDelimitedHeader(ModelField.graph, graphLength), ...graphChunks);
    } else {
      chunks.push(fieldBytes(model.bytes, field));
    }
  }
  chunks.push(lengthDelimitedField(ModelField.metadataProps, encodeStringEntry(metadata.key, metadata.value)));
  return { chunks, byteLength: chunks.reduce((total, chunk) => total + chunk.length, 0) };
}

/** Returns the model's opset version for the default ONNX domain, or 0 when it imports none. */
export function defaultOpset(model: OnnxModelFile): number {
  return model.opsets.get("") ?? model.opsets.get("ai.onnx") ?? 0;
}
