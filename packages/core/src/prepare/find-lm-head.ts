import { PrepareError } from "./errors.ts";
import { defaultOpset, type OnnxModelFile } from "./onnx-model-file.ts";
import type { OnnxNode } from "./onnx-schema.ts";

/** The language-model head of a masked-LM graph, found by walking back from its logits output. */
export interface LmHead {
  /** Final hidden states [batch, sequence, hidden] that the head reads; the gather goes here. */
  hiddenState: string;
  /** Indices of the head's nodes (dense, activation, layer norm, decoder), in file order. */
  nodeIndices: number[];
  /** Index of the node that produces the logits output. */
  logitsNodeIndex: number;
  /**
   * True when a head node computes a statistic over the whole tensor (DynamicQuantizeLinear in
   * int8 exports), so a gathered head differs slightly from the full one.
   */
  approximate: boolean;
}

/** Ops that act on each position independently, given the operand checks in checkHeadNode. */
const ELEMENTWISE_OPS = new Set(["Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Erf", "Tanh", "Relu", "Sigmoid", "Neg", "Reciprocal", "Identity", "Cast", "Gelu", "FastGelu", "BiasGelu"]);
const MATMUL_OPS = new Set(["MatMul", "MatMulInteger"]);
const NORMALIZATION_OPS = new Set(["LayerNormalization", "SimplifiedLayerNormalization"]);

/** RoBERTa's head has two projections (dense, then decoder); more nodes than this means the walk went astray. */
const MAX_HEAD_NODES = 64;

/**
 * Finds the LM head: the smallest group of nodes before `logitsName` that has a single data
 * entry and contains two weight projections. Throws PrepareError when the graph does not have
 * that shape or when a head node mixes positions, because the gather would then change results.
 */
export function findLmHead(model: OnnxModelFile, logitsName: string): LmHead {
  const producers = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  model.nodes.forEach(({ node }, index) => {
    node.output.forEach((name) => producers.set(name, index));
    for (const name of node.input) {
      consumers.set(name, [...(consumers.get(name) ?? []), index]);
    }
  });
  const constants = findConstants(model);

  const logitsNodeIndex = producers.get(logitsName);
  if (logitsNodeIndex === undefined) {
    throw new PrepareError(`No node produces the output "${logitsName}"; expected a fill-mask export whose logits come from an LM head.`);
  }

  const region = new Set<number>([logitsNodeIndex]);
  let hiddenState: string | null = null;
  while (hiddenState === null) {
    const entries = dataEntries(model, region, constants, producers);
    const projections = [...region].filter((index) => isWeightProjection(model.nodes[index]!.node, constants)).length;
    if (entries.length === 1 && projections >= 2) {
      hiddenState = entries[0]!;
      break;
    }
    const next = entries.map((name) => producers.get(name)).filter((index) => index !== undefined);
    if (next.length < entries.length || region.size >= MAX_HEAD_NODES) {
      throw new PrepareError(
        `Cannot find the LM head before "${logitsName}": walking back from it reached [${entries.join(", ")}] without two weight projections. Only RoBERTa-style masked-LM exports (dense, activation, layer norm, decoder) are supported.`,
      );
    }
    region.add(Math.max(...next));
  }

  const nodeIndices = [...region].sort((a, b) => a - b);
  let approximate = false;
  for (const index of nodeIndices) {
    const { node } = model.nodes[index]!;
    approximate = checkHeadNode(node, constants, model) || approximate;
    for (const output of node.output) {
      const outside = (consumers.get(output) ?? []).filter((consumer) => !region.has(consumer));
      if (outside.length > 0) {
        throw new PrepareError(`The LM head tensor "${output}" is also read by node ${outside[0]} outside the head; the graph cannot be rewritten without changing that node.`);
      }
    }
  }
  return { hiddenState, nodeIndices, logitsNodeIndex, approximate };
}

/** Names of tensors that do not depend on graph inputs: initializers and the outputs of Constant-only chains. */
function findConstants(model: OnnxModelFile): Map<string, number[] | null> {
  const constants = new Map<string, number[] | null>();
  for (const [name, initializer] of model.initializers) {
    constants.set(name, initializer.header.dims ?? []);
  }
  for (const { node } of model.nodes) {
    if (node.op_type === "Constant") {
      const value = node.attribute?.find((attribute) => attribute.name === "value");
      const dims = value?.t !== undefined ? (value.t.dims ?? []) : null;
      node.output.forEach((name) => constants.set(name, dims));
    } else if (node.input.length > 0 && node.input.every((name) => name === "" || constants.has(name))) {
      node.output.forEach((name) => constants.set(name, null));
    }
  }
  return constants;
}

/** Data tensors read by region nodes but produced outside it, latest producer first. */
function dataEntries(model: OnnxModelFile, region: ReadonlySet<number>, constants: ReadonlyMap<string, unknown>, producers: ReadonlyMap<string, number>): string[] {
  const produced = new Set([...region].flatMap((index) => model.nodes[index]!.node.output));
  const entries = new Set<string>();
  for (const index of region) {
    for (const name of model.nodes[index]!.node.input) {
      if (name !== "" && !constants.has(name) && !produced.has(name)) {
        entries.add(name);
      }
    }
  }
  return [...entries].sort((a, b) => (producers.get(b) ?? -1) - (producers.get(a) ?? -1));
}

function isWeightProjection(node: OnnxNode, constants: ReadonlyMap<string, unknown>): boolean {
  return MATMUL_OPS.has(node.op_type) && constants.has(node.input[1] ?? "") && !constants.has(node.input[0] ?? "");
}

/**
 * Checks that a head node treats each position on its own, so computing it on gathered rows
 * gives the same rows. Returns true when the node makes the head approximate.
 */
function checkHeadNode(node: OnnxNode, constants: ReadonlyMap<string, number[] | null>, model: OnnxModelFile): boolean {
  const where = `${node.op_type} node "${node.name ?? node.output[0]}"`;
  if (node.op_type === "DynamicQuantizeLinear") {
    return true;
  }
  if (MATMUL_OPS.has(node.op_type)) {
    const weightDims = constants.get(node.input[1] ?? "");
    if (!constants.has(node.input[1] ?? "") || (weightDims !== null && weightDims !== undefined && weightDims.length !== 2)) {
      throw new PrepareError(`The LM head ${where} multiplies by "${node.input[1]}", which is not a 2-D weight; the head cannot be computed on gathered positions.`);
    }
    return false;
  }
  if (NORMALIZATION_OPS.has(node.op_type)) {
    const axis = node.attribute?.find((attribute) => attribute.name === "axis")?.i ?? -1;
    if (axis !== -1) {
      throw new PrepareError(`The LM head ${where} normalizes over axis ${axis}; only axis -1 (the hidden size) keeps positions independent.`);
    }
    return false;
  }
  if (node.op_type === "ReduceMean") {
    const axes = node.attribute?.find((attribute) => attribute.name === "axes")?.ints;
    if (axes === undefined || axes.length !== 1 || axes[0] !== -1 || defaultOpset(model) >= 18) {
      throw new PrepareError(`The LM head ${where} must reduce over the attribute axes [-1] only; re-export the model with opset 17 or fused LayerNormalization.`);
    }
    return false;
  }
  if (!ELEMENTWISE_OPS.has(node.op_type)) {
    throw new PrepareError(`The LM head contains a ${where}, which the rewriter does not know to be position-wise; prepared graphs support RoBERTa-style heads only.`);
  }
  for (const name of node.input) {
    const dims = constants.get(name);
    if (dims === undefined || dims === null) {
      continue;
    }
    const broadcastsPerPosition = dims.length <= 1 || (dims.length === 2 && dims[0] === 1);
    if (!broadcastsPerPosition) {
      throw new PrepareError(`The LM head ${where} reads the constant "${name}" of shape [${dims.join(", ")}]; only scalars and per-feature vectors keep positions independent.`);
    }
  }
  return false;
}
