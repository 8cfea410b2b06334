import { GraphField, ModelField } from "../../src/prepare/onnx-model-file.ts";
import { encodeNode, encodeTensorValueInfo, OnnxDataType, onnxTypes, type OnnxNode } from "../../src/prepare/onnx-schema.ts";
import { lengthDelimitedField } from "../../src/prepare/protobuf-fields.ts";

/** A float initializer with dims and values. */
export interface SyntheticInitializer {
  name: string;
  dims: number[];
  values: number[];
}

/**
 * Encodes a small fill-mask-shaped model: inputs input_ids and attention_mask (int64
 * [batch, sequence]), output logits (float [batch, sequence, vocab]), with the given nodes and
 * initializers, importing version `opset` of the default ONNX domain under the name `domain`
 * ("" or its alias "ai.onnx").
 */
export function buildModel(nodes: OnnxNode[], initializers: SyntheticInitializer[], vocab: number, opset = 17, domain = ""): Buffer {
  const graphParts: Uint8Array[] = nodes.map((node) => lengthDelimitedField(GraphField.node, encodeNode(node)));
  graphParts.push(lengthDelimitedField(2, Buffer.from("synthetic", "utf8")));
  for (const initializer of initializers) {
    const raw = new Uint8Array(Float32Array.from(initializer.values).buffer);
    const tensor = onnxTypes.tensor.encode(onnxTypes.tensor.fromObject({ name: initializer.name, dims: initializer.dims, data_type: OnnxDataType.float, raw_data: raw })).finish();
    graphParts.push(lengthDelimitedField(GraphField.initializer, tensor));
  }
  const batchSequence = [{ dim_param: "batch" }, { dim_param: "sequence" }];
  graphParts.push(lengthDelimitedField(GraphField.input, encodeTensorValueInfo("input_ids", OnnxDataType.int64, batchSequence)));
  graphParts.push(lengthDelimitedField(GraphField.input, encodeTensorValueInfo("attention_mask", OnnxDataType.int64, batchSequence)));
  graphParts.push(lengthDelimitedField(GraphField.output, encodeTensorValueInfo("logits", OnnxDataType.float, [...batchSequence, { dim_value: vocab }])));
  const opsetBytes = onnxTypes.operatorSetId.encode(onnxTypes.operatorSetId.fromObject({ domain, version: opset })).finish();
  return Buffer.concat([Uint8Array.of(ModelField.irVersion * 8, 8), lengthDelimitedField(ModelField.graph, Buffer.concat(graphParts)), lengthDelimitedField(ModelField.opsetImport, opsetBytes)]);
}

/** Returns `count` deterministic values in [-0.5, 0.5). */
export function pseudoRandom(count: number, seed: number): number[] {
  return Array.from({ length: count }, (_, i) => (((i + 1) * 7919 * seed) % 1000) / 1000 - 0.5);
}

/**
 * Nodes of a minimal masked LM: embedding gather, then a head of two projections with an op
 * `middleOp` between them (Relu keeps positions independent, Softmax over axis 1 does not).
 */
export function headNodes(middleOp: OnnxNode): OnnxNode[] {
  return [
    { name: "embed", op_type: "Gather", input: ["embedding", "input_ids"], output: ["hidden"], attribute: [{ name: "axis", type: 2, i: 0 }] },
    { name: "dense", op_type: "MatMul", input: ["hidden", "dense_weight"], output: ["dense_out"] },
    middleOp,
    { name: "decoder", op_type: "MatMul", input: ["middle_out", "decoder_weight"], output: ["decoder_out"] },
    { name: "bias", op_type: "Add", input: ["decoder_out", "decoder_bias"], output: ["logits"] },
  ];
}
