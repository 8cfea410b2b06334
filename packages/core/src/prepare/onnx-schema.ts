import protobuf from "protobufjs";

/**
 * The parts of onnx.proto (ONNX 1.17, field numbers unchanged since IR version 3) that the
 * rewriter decodes or encodes. Messages it never needs to look into (subgraphs, sparse tensors,
 * type protos inside attributes) are declared as bytes, so decoding skips their contents.
 * Only new nodes and value infos are encoded from these types; existing fields are copied as
 * raw bytes, so fields missing here are never lost.
 */
const ONNX_SUBSET = `
syntax = "proto3";
package onnx;

message StringStringEntryProto {
  string key = 1;
  string value = 2;
}

message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated int32 int32_data = 5;
  repeated int64 int64_data = 7;
  string name = 8;
  bytes raw_data = 9;
  int32 data_location = 14;
}

message AttributeProto {
  string name = 1;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  TensorProto t = 5;
  bytes g = 6;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  int32 type = 20;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
  string doc_string = 6;
  string domain = 7;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    int32 elem_type = 1;
    TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
}

message ValueInfoProto {
  string name = 1;
  TypeProto type = 2;
  string doc_string = 3;
}

message OperatorSetIdProto {
  string domain = 1;
  int64 version = 2;
}
`;

const root = protobuf.parse(ONNX_SUBSET, { keepCase: true }).root;

/** protobufjs types for the ONNX messages above. */
export const onnxTypes = {
  node: root.lookupType("onnx.NodeProto"),
  valueInfo: root.lookupType("onnx.ValueInfoProto"),
  tensor: root.lookupType("onnx.TensorProto"),
  operatorSetId: root.lookupType("onnx.OperatorSetIdProto"),
  stringStringEntry: root.lookupType("onnx.StringStringEntryProto"),
};

/** ONNX TensorProto.DataType values used here. */
export const OnnxDataType = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7 } as const;

/** ONNX AttributeProto.AttributeType values used here. */
export const OnnxAttributeType = { float: 1, int: 2, string: 3, tensor: 4, ints: 7 } as const;

/** A decoded attribute; only the members for its type are set. */
export interface OnnxAttribute {
  name: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  ints?: number[];
  t?: OnnxTensorHeader;
}

/** A decoded node (doc strings and subgraph contents are not inspected). */
export interface OnnxNode {
  input: string[];
  output: string[];
  name?: string;
  op_type: string;
  domain?: string;
  attribute?: OnnxAttribute[];
}

/** The metadata and small data of a tensor: dims, type, name and int64 values when stored inline. */
export interface OnnxTensorHeader {
  dims?: number[];
  data_type?: number;
  name?: string;
  int64_data?: number[];
  raw_data?: Uint8Array;
}

/** One dimension of a tensor shape: a fixed size or a symbolic name. */
export type OnnxDimension = { dim_value: number } | { dim_param: string };

/** Decodes a NodeProto from its serialized bytes. */
export function decodeNode(bytes: Uint8Array): OnnxNode {
  const message = onnxTypes.node.decode(bytes);
  return onnxTypes.node.toObject(message, { longs: Number, arrays: true, defaults: false }) as unknown as OnnxNode;
}

/** Encodes a NodeProto with the given inputs, outputs and attributes. */
export function encodeNode(node: OnnxNode): Uint8Array {
  return onnxTypes.node.encode(onnxTypes.node.fromObject(node)).finish();
}

/** Encodes a ValueInfoProto for a tensor of `elemType` with the given dimensions. */
export function encodeTensorValueInfo(name: string, elemType: number, dims: readonly OnnxDimension[]): Uint8Array {
  const value = { name, type: { tensor_type: { elem_type: elemType, shape: { dim: dims } } } };
  return onnxTypes.valueInfo.encode(onnxTypes.valueInfo.fromObject(value)).finish();
}

/** Encodes a StringStringEntryProto (a metadata_props entry). */
export function encodeStringEntry(key: string, value: string): Uint8Array {
  return onnxTypes.stringStringEntry.encode(onnxTypes.stringStringEntry.fromObject({ key, value })).finish();
}

/** Decodes the header of a TensorProto; raw_data comes back as a view, not a copy. */
export function decodeTensorHeader(bytes: Uint8Array): OnnxTensorHeader {
  const message = onnxTypes.tensor.decode(bytes);
  return onnxTypes.tensor.toObject(message, { longs: Number, arrays: true, defaults: false }) as unknown as OnnxTensorHeader;
}

/** Decodes an OperatorSetIdProto; an empty domain is the default ONNX domain. */
export function decodeOperatorSet(bytes: Uint8Array): { domain: string; version: number } {
  const message = onnxTypes.operatorSetId.toObject(onnxTypes.operatorSetId.decode(bytes), { longs: Number, defaults: true }) as { domain: string; version: number };
  return message;
}
