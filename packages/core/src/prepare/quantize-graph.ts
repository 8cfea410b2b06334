import { defaultOpset, GraphField, replaceGraph, type OnnxModelFile } from "./onnx-model-file.ts";
import { encodeNode, onnxTypes, OnnxAttributeType, OnnxDataType, type OnnxNode } from "./onnx-schema.ts";
import { fieldBytes, lengthDelimitedField, lengthDelimitedHeader } from "./protobuf-fields.ts";
import type { QuantizedColumns } from "./quantize-weights.ts";

/** Prefix of every tensor and node the quantizer adds. */
export const QUANTIZED_PREFIX = "maskfill_int8/";

/** Metadata key that marks a graph written by the quantizer; its value is the format version. */
export const QUANTIZED_METADATA_KEY = "maskfill.quantized";

/** Version of the quantized graph layout. */
export const QUANTIZED_FORMAT_VERSION = 1;

/**
 * Largest activation level. Each row is quantized symmetrically to [-127, 127] and stored as
 * uint8 with zero point 128, so the product kernel gets the uint8 x int8 form it is fastest at.
 */
const ACTIVATION_MAX_LEVEL = 127;
const ACTIVATION_ZERO_POINT = 128;

/** Row maxima below this are raised to it, so an all-zero row gets a finite scale. */
const MIN_ROW_MAX = 1e-12;

/** One MatMul whose constant B operand is replaced by int8 levels and per-column scales. */
export interface QuantizedMatMul {
  nodeIndex: number;
  weightName: string;
  rows: number;
  columns: number;
  weights: QuantizedColumns;
}

/** Changes made by the quantizer, for the record written beside the graph. */
export interface QuantizeSummary {
  quantizedNodes: string[];
  droppedInitializers: string[];
  addedNodes: number;
}

/** The quantized model as byte chunks (views into the source where unchanged). */
export interface QuantizeRewrite {
  chunks: Uint8Array[];
  byteLength: number;
  summary: QuantizeSummary;
}

/** TensorProto.raw_data. */
const TENSOR_RAW_DATA_FIELD = 9;

const names = {
  levelMax: `${QUANTIZED_PREFIX}activation_max_level`,
  minRowMax: `${QUANTIZED_PREFIX}min_row_max`,
  offset: `${QUANTIZED_PREFIX}activation_offset`,
  zeroPoint: `${QUANTIZED_PREFIX}activation_zero_point`,
  axes: `${QUANTIZED_PREFIX}last_axis`,
};

/**
 * Rewrites each listed MatMul Y = A x B into a dynamically quantized product with one scale per
 * row of A and one per column of B:
 *
 *   s = max(|A| over the last axis) / 127,  Aq = uint8(round(A / s) + 128)
 *   Y = float(MatMulInteger(Aq, Bq, 128)) x scaleB x s
 *
 * Because each row has its own scale, a sequence's result does not depend on the other rows of
 * its batch (onnxruntime's DynamicQuantizeLinear takes one scale for the whole tensor). MatMuls
 * that share an A operand share its quantization. Initializers in `dropped` are left out.
 */
export function quantizeGraph(model: OnnxModelFile, matmuls: readonly QuantizedMatMul[], dropped: ReadonlySet<string>): QuantizeRewrite {
  const byNode = new Map(matmuls.map((matmul) => [matmul.nodeIndex, matmul]));
  const opset = defaultOpset(model);
  const quantizedInputs = new Map<string, { levels: string; rowScale: string }>();
  const summary: QuantizeSummary = { quantizedNodes: [], droppedInitializers: [...dropped].sort(), addedNodes: 0 };
  const graphChunks: Uint8Array[] = [];
  const initializerNames = new Map([...model.initializers].map(([name, initializer]) => [initializer.field, name]));
  let nodeIndex = -1;
  let initializersWritten = false;

  const pushNode = (node: OnnxNode): void => {
    graphChunks.push(lengthDelimitedField(GraphField.node, encodeNode(node)));
    summary.addedNodes += 1;
  };

  for (const field of model.graphFields) {
    if (field.fieldNumber === GraphField.initializer) {
      if (!dropped.has(initializerNames.get(field) ?? "")) {
        graphChunks.push(fieldBytes(model.bytes, field));
      }
      if (!initializersWritten) {
        graphChunks.push(...newInitializers(matmuls, opset));
        initializersWritten = true;
      }
      continue;
    }
    if (field.fieldNumber !== GraphField.node) {
      graphChunks.push(fieldBytes(model.bytes, field));
      continue;
    }
    nodeIndex += 1;
    const matmul = byNode.get(nodeIndex);
    if (matmul === undefined) {
      graphChunks.push(fieldBytes(model.bytes, field));
      continue;
    }
    const node = model.nodes[nodeIndex]!.node;
    const input = node.input[0]!;
    let quantized = quantizedInputs.get(input);
    if (quantized === undefined) {
      const prefix = `${QUANTIZED_PREFIX}input${quantizedInputs.size}/`;
      activationNodes(input, prefix, opset).forEach(pushNode);
      quantized = { levels: `${prefix}levels`, rowScale: `${prefix}row_scale` };
      quantizedInputs.set(input, quantized);
    }
    productNodes(node, matmul, quantized).forEach(pushNode);
    summary.quantizedNodes.push(node.name ?? node.output[0] ?? String(nodeIndex));
  }
  if (!initializersWritten) {
    graphChunks.push(...newInitializers(matmuls, opset));
  }

  const assembled = replaceGraph(model, graphChunks, { key: QUANTIZED_METADATA_KEY, value: String(QUANTIZED_FORMAT_VERSION) });
  return { ...assembled, summary };
}

/** Per-row symmetric quantization of `input` to uint8 levels with zero point 128. */
function activationNodes(input: string, prefix: string, opset: number): OnnxNode[] {
  // ReduceMax takes its axes as an input from opset 18 and as an attribute before.
  const reduceMax: OnnxNode =
    opset >= 18
      ? { name: `${prefix}ReduceMax`, op_type: "ReduceMax", input: [`${prefix}abs`, names.axes], output: [`${prefix}row_max`], attribute: [intAttribute("keepdims", 1)] }
      : { name: `${prefix}ReduceMax`, op_type: "ReduceMax", input: [`${prefix}abs`], output: [`${prefix}row_max`], attribute: [intAttribute("keepdims", 1), { name: "axes", type: OnnxAttributeType.ints, ints: [-1] }] };
  return [
    { name: `${prefix}Abs`, op_type: "Abs", input: [input], output: [`${prefix}abs`] },
    reduceMax,
    { name: `${prefix}Max`, op_type: "Max", input: [`${prefix}row_max`, names.minRowMax], output: [`${prefix}row_max_safe`] },
    { name: `${prefix}Scale`, op_type: "Div", input: [`${prefix}row_max_safe`, names.levelMax], output: [`${prefix}row_scale`] },
    { name: `${prefix}Divide`, op_type: "Div", input: [input, `${prefix}row_scale`], output: [`${prefix}scaled`] },
    { name: `${prefix}Round`, op_type: "Round", input: [`${prefix}scaled`], output: [`${prefix}rounded`] },
    { name: `${prefix}Shift`, op_type: "Add", input: [`${prefix}rounded`, names.offset], output: [`${prefix}shifted`] },
    { name: `${prefix}Cast`, op_type: "Cast", input: [`${prefix}shifted`], output: [`${prefix}levels`], attribute: [intAttribute("to", OnnxDataType.uint8)] },
  ];
}

/** Integer product, then the column and row scales, writing the MatMul's original output. */
function productNodes(node: OnnxNode, matmul: QuantizedMatMul, input: { levels: string; rowScale: string }): OnnxNode[] {
  const prefix = `${QUANTIZED_PREFIX}${matmul.weightName}/`;
  return [
    { name: `${prefix}MatMulInteger`, op_type: "MatMulInteger", input: [input.levels, weightLevelsName(matmul), names.zeroPoint], output: [`${prefix}product`] },
    { name: `${prefix}CastProduct`, op_type: "Cast", input: [`${prefix}product`], output: [`${prefix}product_float`], attribute: [intAttribute("to", OnnxDataType.float)] },
    { name: `${prefix}ColumnScale`, op_type: "Mul", input: [`${prefix}product_float`, weightScalesName(matmul)], output: [`${prefix}column_scaled`] },
    { name: node.name ?? `${prefix}RowScale`, op_type: "Mul", input: [`${prefix}column_scaled`, input.rowScale], output: [node.output[0]!] },
  ];
}

function weightLevelsName(matmul: QuantizedMatMul): string {
  return `${QUANTIZED_PREFIX}${matmul.weightName}/levels`;
}

function weightScalesName(matmul: QuantizedMatMul): string {
  return `${QUANTIZED_PREFIX}${matmul.weightName}/scales`;
}

/** Encodes the constants and the quantized weights as GraphProto initializer fields. */
function newInitializers(matmuls: readonly QuantizedMatMul[], opset: number): Uint8Array[] {
  const chunks: Uint8Array[] = [
    ...initializerField(names.levelMax, OnnxDataType.float, [], floatBytes([ACTIVATION_MAX_LEVEL])),
    ...initializerField(names.minRowMax, OnnxDataType.float, [], floatBytes([MIN_ROW_MAX])),
    ...initializerField(names.offset, OnnxDataType.float, [], floatBytes([ACTIVATION_ZERO_POINT])),
    ...initializerField(names.zeroPoint, OnnxDataType.uint8, [], Uint8Array.of(ACTIVATION_ZERO_POINT)),
  ];
  if (opset >= 18) {
    chunks.push(...initializerField(names.axes, OnnxDataType.int64, [1], new Uint8Array(BigInt64Array.of(-1n).buffer)));
  }
  for (const matmul of matmuls) {
    const { levels, scales } = matmul.weights;
    chunks.push(...initializerField(weightLevelsName(matmul), OnnxDataType.int8, [matmul.rows, matmul.columns], new Uint8Array(levels.buffer, levels.byteOffset, levels.byteLength)));
    chunks.push(...initializerField(weightScalesName(matmul), OnnxDataType.float, [matmul.columns], new Uint8Array(scales.buffer, scales.byteOffset, scales.byteLength)));
  }
  return chunks;
}

/** Encodes a GraphProto initializer field; the data is appended as a view, not copied. */
function initializerField(name: string, dataType: number, dims: number[], data: Uint8Array): Uint8Array[] {
  const header = onnxTypes.tensor.encode(onnxTypes.tensor.fromObject({ name, dims, data_type: dataType })).finish();
  const rawHeader = lengthDelimitedHeader(TENSOR_RAW_DATA_FIELD, data.byteLength);
  return [lengthDelimitedHeader(GraphField.initializer, header.length + rawHeader.length + data.byteLength), header, rawHeader, data];
}

function floatBytes(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

function intAttribute(name: string, value: number): NonNullable<OnnxNode["attribute"]>[number] {
  return { name, type: OnnxAttributeType.int, i: value };
}
