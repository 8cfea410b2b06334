import { PrepareError } from "./errors.ts";
import type { LmHead } from "./find-lm-head.ts";
import { defaultOpset, GraphField, replaceGraph, valueInfoName, type OnnxModelFile } from "./onnx-model-file.ts";
import { encodeNode, encodeTensorValueInfo, OnnxAttributeType, OnnxDataType, type OnnxNode } from "./onnx-schema.ts";
import { INTERNAL_PREFIX, PREPARED_FORMAT_VERSION, PREPARED_METADATA_KEY, PreparedIo } from "./prepared-io.ts";
import { fieldBytes, fieldString, lengthDelimitedField, scanFields, WireType, type RawField } from "./protobuf-fields.ts";

/** Oldest default-domain opset with every op the rewriter inserts (GatherElements needs 11). */
export const MIN_OPSET = 11;

/** Nodes and tensors the rewrite inserted, for the record written beside the prepared graph. */
export interface RewriteSummary {
  insertedNodes: { name: string; opType: string; inputs: string[]; outputs: string[] }[];
  rewiredNodes: string[];
  removedOutputs: string[];
  addedInputs: string[];
  addedOutputs: string[];
  droppedValueInfo: string[];
}

/** The rewritten model as a list of byte chunks (views into the source where unchanged). */
export interface RewriteResult {
  chunks: Uint8Array[];
  byteLength: number;
  summary: RewriteSummary;
}

const HIDDEN_FLAT = `${INTERNAL_PREFIX}hidden_flat`;
const HIDDEN_GATHERED = `${INTERNAL_PREFIX}hidden_gathered`;
const POSITION_LOGITS = `${INTERNAL_PREFIX}position_logits`;
const LOG_PROBS = `${INTERNAL_PREFIX}log_probs`;
const TOP_K_LOG_PROBS = `${INTERNAL_PREFIX}top_k_log_probs`;

/**
 * Rewrites a fill-mask graph so the LM head runs only on gathered positions and the graph
 * returns top-k probabilities and target log-probabilities instead of full logits. The source
 * bytes are not modified; initializers (inline or external) are copied by reference.
 */
export function rewriteGraph(model: OnnxModelFile, head: LmHead, logitsName: string): RewriteResult {
  checkRewritable(model);
  const headNodes = new Set(head.nodeIndices);
  const headTensors = new Set(head.nodeIndices.flatMap((index) => model.nodes[index]!.node.output));
  const firstHeadNode = head.nodeIndices[0]!;
  const lastNode = model.nodes.length - 1;
  const gatherNodes = gatherNodesFor(head.hiddenState);
  const reduceNodes = reductionNodes();
  const summary: RewriteSummary = {
    insertedNodes: [...gatherNodes, ...reduceNodes].map((node) => ({ name: node.name ?? "", opType: node.op_type, inputs: node.input, outputs: node.output })),
    rewiredNodes: [],
    removedOutputs: [logitsName],
    addedInputs: [PreparedIo.positions, PreparedIo.topK, PreparedIo.targetIds],
    addedOutputs: [PreparedIo.topKProbs, PreparedIo.topKIds, PreparedIo.targetLogProbs],
    droppedValueInfo: [],
  };

  const graphChunks: Uint8Array[] = [];
  const lastInputField = lastIndexOf(model.graphFields, GraphField.input);
  const lastOutputField = lastIndexOf(model.graphFields, GraphField.output);
  let nodeIndex = -1;
  model.graphFields.forEach((field, fieldIndex) => {
    const value = model.bytes.subarray(field.valueStart, field.end);
    if (field.fieldNumber === GraphField.node) {
      nodeIndex += 1;
      if (nodeIndex === firstHeadNode) {
        gatherNodes.forEach((node) => graphChunks.push(lengthDelimitedField(GraphField.node, encodeNode(node))));
      }
      if (headNodes.has(nodeIndex)) {
        const renames = new Map([
          [head.hiddenState, HIDDEN_GATHERED],
          [logitsName, POSITION_LOGITS],
        ]);
        const rewritten = renameNodeTensors(model.bytes, field, renames);
        if (rewritten !== null) {
          graphChunks.push(rewritten);
          summary.rewiredNodes.push(model.nodes[nodeIndex]!.node.name ?? model.nodes[nodeIndex]!.node.output[0] ?? "");
        } else {
          graphChunks.push(fieldBytes(model.bytes, field));
        }
      } else {
        graphChunks.push(fieldBytes(model.bytes, field));
      }
      if (nodeIndex === lastNode) {
        reduceNodes.forEach((node) => graphChunks.push(lengthDelimitedField(GraphField.node, encodeNode(node))));
      }
      return;
    }
    if (field.fieldNumber === GraphField.output && valueInfoName(value) === logitsName) {
      // Dropped: the prepared graph has no full logits.
    } else if (field.fieldNumber === GraphField.valueInfo && headTensors.has(valueInfoName(value))) {
      // Head tensors change from [batch, sequence, ...] to [num_positions, ...].
      summary.droppedValueInfo.push(valueInfoName(value));
    } else {
      graphChunks.push(fieldBytes(model.bytes, field));
    }
    if (fieldIndex === lastInputField) {
      newInputs().forEach((bytes) => graphChunks.push(lengthDelimitedField(GraphField.input, bytes)));
    }
    if (fieldIndex === lastOutputField) {
      newOutputs().forEach((bytes) => graphChunks.push(lengthDelimitedField(GraphField.output, bytes)));
    }
  });

  const assembled = replaceGraph(model, graphChunks, { key: PREPARED_METADATA_KEY, value: String(PREPARED_FORMAT_VERSION) });
  return { ...assembled, summary };
}

function checkRewritable(model: OnnxModelFile): void {
  const opset = defaultOpset(model);
  if (opset < MIN_OPSET) {
    throw new PrepareError(`The graph uses ONNX opset ${opset}; prepared graphs need opset ${MIN_OPSET} or later. Re-export the model with a newer opset (optimum's default is 14 or later).`);
  }
  const taken = [...model.inputNames, ...model.outputNames].filter((name) => (Object.values(PreparedIo) as string[]).includes(name));
  const internal = model.nodes.some(({ node }) => node.output.some((name) => name.startsWith(INTERNAL_PREFIX)));
  if (taken.length > 0 || internal) {
    throw new PrepareError(`The graph already has ${taken.length > 0 ? `the tensors [${taken.join(", ")}]` : `tensors named ${INTERNAL_PREFIX}*`}; it looks prepared already. Prepare the original export instead.`);
  }
}

/** Flattens [batch, sequence, hidden] to [batch * sequence, hidden] and gathers the requested rows. */
function gatherNodesFor(hiddenState: string): OnnxNode[] {
  return [
    { name: `${INTERNAL_PREFIX}Flatten`, op_type: "Flatten", input: [hiddenState], output: [HIDDEN_FLAT], attribute: [intAttribute("axis", 2)] },
    { name: `${INTERNAL_PREFIX}Gather`, op_type: "Gather", input: [HIDDEN_FLAT, PreparedIo.positions], output: [HIDDEN_GATHERED], attribute: [intAttribute("axis", 0)] },
  ];
}

/** Log-softmax over the vocabulary, then top-k (as probabilities) and the targets' log-probabilities. */
function reductionNodes(): OnnxNode[] {
  return [
    { name: `${INTERNAL_PREFIX}LogSoftmax`, op_type: "LogSoftmax", input: [POSITION_LOGITS], output: [LOG_PROBS], attribute: [intAttribute("axis", 1)] },
    {
      name: `${INTERNAL_PREFIX}TopK`,
      op_type: "TopK",
      input: [LOG_PROBS, PreparedIo.topK],
      output: [TOP_K_LOG_PROBS, PreparedIo.topKIds],
      attribute: [intAttribute("axis", 1), intAttribute("largest", 1), intAttribute("sorted", 1)],
    },
    { name: `${INTERNAL_PREFIX}Exp`, op_type: "Exp", input: [TOP_K_LOG_PROBS], output: [PreparedIo.topKProbs] },
    { name: `${INTERNAL_PREFIX}GatherElements`, op_type: "GatherElements", input: [LOG_PROBS, PreparedIo.targetIds], output: [PreparedIo.targetLogProbs], attribute: [intAttribute("axis", 1)] },
  ];
}

function newInputs(): Uint8Array[] {
  return [
    encodeTensorValueInfo(PreparedIo.positions, OnnxDataType.int64, [{ dim_param: "num_positions" }]),
    encodeTensorValueInfo(PreparedIo.topK, OnnxDataType.int64, [{ dim_value: 1 }]),
    encodeTensorValueInfo(PreparedIo.targetIds, OnnxDataType.int64, [{ dim_param: "num_positions" }, { dim_param: "num_targets" }]),
  ];
}

function newOutputs(): Uint8Array[] {
  return [
    encodeTensorValueInfo(PreparedIo.topKProbs, OnnxDataType.float, [{ dim_param: "num_positions" }, { dim_param: "top_k" }]),
    encodeTensorValueInfo(PreparedIo.topKIds, OnnxDataType.int64, [{ dim_param: "num_positions" }, { dim_param: "top_k" }]),
    encodeTensorValueInfo(PreparedIo.targetLogProbs, OnnxDataType.float, [{ dim_param: "num_positions" }, { dim_param: "num_targets" }]),
  ];
}

function intAttribute(name: string, value: number): NonNullable<OnnxNode["attribute"]>[number] {
  return { name, type: OnnxAttributeType.int, i: value };
}

/**
 * Re-encodes a node field with renamed inputs (field 1) and outputs (field 2), copying every
 * other field as raw bytes. Returns null when no name matched.
 */
function renameNodeTensors(bytes: Buffer, nodeField: RawField, renames: ReadonlyMap<string, string>): Uint8Array | null {
  const parts: Uint8Array[] = [];
  let changed = false;
  for (const field of scanFields(bytes, nodeField.valueStart, nodeField.end)) {
    const isTensorName = (field.fieldNumber === 1 || field.fieldNumber === 2) && field.wireType === WireType.lengthDelimited;
    const renamed = isTensorName ? renames.get(fieldString(bytes, field)) : undefined;
    if (renamed === undefined) {
      parts.push(fieldBytes(bytes, field));
    } else {
      parts.push(lengthDelimitedField(field.fieldNumber, Buffer.from(renamed, "utf8")));
      changed = true;
    }
  }
  if (!changed) {
    return null;
  }
  return lengthDelimitedField(GraphField.node, Buffer.concat(parts));
}

function lastIndexOf(fields: readonly RawField[], fieldNumber: number): number {
  let last = -1;
  fields.forEach((field, index) => {
    if (field.fieldNumber === fieldNumber) {
      last = index;
    }
  });
  return last;
}
