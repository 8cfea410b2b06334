import { prepareModel, quantizeModel, verifyPreparedModel } from "@maskfill/core/prepare";
import type { CliIo } from "../model/cli-io.ts";
import { modelDirectoryArgument, parseCliArgs } from "../cli-options.ts";
import { runInterruptible, verifyOrRemove } from "../interrupt.ts";

export const QUANTIZE_HELP = `Usage: maskfill model quantize DIR [--force] [--no-prepare]

Writes model_quantized.onnx beside the float32 model.onnx in DIR: each encoder MatMul becomes an
int8 product (weights: one scale per output column, 7 bits; activations: one scale per token
row, computed at run time), and the LM head stays float32. Unlike dynamically quantized exports
from optimum, a sentence's result does not depend on the other sentences of its batch, so the
engine batches the int8 graph like the float32 one. Then it prepares the quantized graph
(model_quantized.prepared.onnx) and compares it with the float32 model on a few sentences.
Use it with \`maskfill fill --variant quantized\`, \`maskfill score --model-variant quantized\`,
MASKFILL_MODEL_VARIANT=quantized for workers, or {"defaultVariant": "quantized"} in DIR/maskfill.json.
  DIR            model directory (model.onnx or onnx/model.onnx with tokenizer.json and config.json)
  --force        replace a model_quantized.onnx that this command did not write (e.g. optimum's)
  --no-prepare   write only model_quantized.onnx and its record; skip preparing and the comparison
`;

/** Largest difference between the prepared int8 graph and the plain int8 graph; both quantize the same rows. */
const PREPARED_TOLERANCE = 1e-5;

/** Runs `maskfill model quantize` and returns the exit code; invalid arguments throw with the fix. */
export async function runModelQuantize(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(
    args,
    {
      force: { type: "boolean", default: false },
      "no-prepare": { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
    "model quantize",
  );
  if (values.help) {
    io.stdout.write(QUANTIZE_HELP);
    return 0;
  }

  const modelDir = modelDirectoryArgument(positionals, "model quantize");
  return runInterruptible("model quantize", io, (signal) => quantizeAndPrepare(modelDir, values.force, values["no-prepare"], signal, io));
}

async function quantizeAndPrepare(modelDir: string, force: boolean, noPrepare: boolean, signal: AbortSignal, io: CliIo): Promise<number> {
  const started = performance.now();
  const result = await quantizeModel({ modelDir, force, signal });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const megabytes = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
  io.stderr.write(
    `Quantized ${result.record.quantizedNodes.length} MatMuls of ${result.sourcePath} in ${seconds} s (${megabytes(result.record.source.bytes)} MiB -> ${megabytes(result.record.quantized.bytes)} MiB).\n` +
      `Wrote ${result.quantizedPath} and ${result.recordPath}.\n`,
  );
  if (result.record.externalDataFiles.length > 0) {
    io.stderr.write(`The int8 graph still reads the float32 embeddings and LM head from ${result.record.externalDataFiles.join(", ")}; keep that beside it.\n`);
  }
  for (const path of result.removedPreparedFiles) {
    io.stderr.write(`Deleted ${path}, prepared from the previous model_quantized.onnx.\n`);
  }
  if (noPrepare) {
    io.stdout.write(`${result.quantizedPath}\n`);
    return 0;
  }

  const prepared = await prepareModel({ modelDir, variant: "quantized", signal });
  io.stderr.write(`Wrote ${prepared.preparedPath} and ${prepared.recordPath}.\n`);
  const written = [prepared.preparedPath, prepared.recordPath];
  const sameRows = await verifyOrRemove(written, signal, () => verifyPreparedModel(modelDir, "quantized", prepared.preparedPath));
  if (sameRows.topKMismatches > 0 || sameRows.maxProbabilityDifference > PREPARED_TOLERANCE) {
    io.stderr.write(`maskfill model quantize: the prepared int8 graph differs from ${result.quantizedPath} by ${sameRows.maxProbabilityDifference.toExponential(2)}, over ${PREPARED_TOLERANCE}; delete ${prepared.preparedPath} and report the model.\n`);
    return 1;
  }
  const againstFloat = await verifyOrRemove(written, signal, () => verifyPreparedModel(modelDir, "fp32", prepared.preparedPath));
  io.stderr.write(
    `Against the float32 model on ${againstFloat.positions} masked positions: top-1 agrees on ${againstFloat.top1Agreement}, max top-5 probability difference ${againstFloat.maxProbabilityDifference.toExponential(2)}.\n`,
  );
  io.stdout.write(`${prepared.preparedPath}\n`);
  return 0;
}
