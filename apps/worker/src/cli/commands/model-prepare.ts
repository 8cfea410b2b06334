import type { ModelVariant } from "@maskfill/core/engine";
import { prepareModel, verifyPreparedModel } from "@maskfill/core/prepare";
import type { CliIo } from "../model/cli-io.ts";
import { modelDirectoryArgument, parseCliArgs, UsageError } from "../cli-options.ts";
import { runInterruptible, verifyOrRemove } from "../interrupt.ts";

export const PREPARE_HELP = `Usage: maskfill model prepare DIR [--variant VARIANT] [--no-verify]

Rewrites the fill-mask ONNX graph in DIR so the LM head runs only at the masked positions and the
graph returns top-k probabilities and target log-probabilities instead of full logits. Writes
<name>.prepared.onnx and <name>.prepared.json (what changed, source sha256) beside the original,
which is left untouched. The engine uses the prepared graph automatically when it is present.
  DIR               model directory (model.onnx or onnx/model.onnx with tokenizer.json and config.json)
  --variant NAME    fp32 (model.onnx), quantized (model_quantized.onnx) or fp16 (model_fp16.onnx);
                    default: the directory's maskfill.json defaultVariant, else fp32
  --no-verify       skip the check that runs both graphs on a few sentences (it needs twice the
                    model's memory for a few seconds)
`;

/** Tolerance of the verification for fp32 graphs; int8 graphs are only reported. */
const EXACT_TOLERANCE = 1e-5;

/** Runs `maskfill model prepare` and returns the exit code; invalid arguments throw with the fix. */
export async function runModelPrepare(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(
    args,
    {
      variant: { type: "string" },
      "no-verify": { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
    "model prepare",
  );
  if (values.help) {
    io.stdout.write(PREPARE_HELP);
    return 0;
  }
  const modelDir = modelDirectoryArgument(positionals, "model prepare");
  const variant = values.variant;
  if (variant !== undefined && variant !== "fp32" && variant !== "quantized" && variant !== "fp16") {
    throw new UsageError(`--variant must be fp32, quantized or fp16, got "${variant}".`);
  }

  return runInterruptible("model prepare", io, (signal) => prepareAndVerify(modelDir, variant, !values["no-verify"], signal, io));
}

async function prepareAndVerify(modelDir: string, variant: ModelVariant | undefined, verify: boolean, signal: AbortSignal, io: CliIo): Promise<number> {
  const started = performance.now();
  const result = await prepareModel({ modelDir, variant, signal });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  io.stderr.write(
    `Prepared ${result.sourcePath} in ${seconds} s: the head (${result.record.headNodes.length} nodes) now reads ${result.record.hiddenState} at gathered positions.\n` +
      `Wrote ${result.preparedPath} and ${result.recordPath}.\n`,
  );

  if (verify) {
    const report = await verifyOrRemove([result.preparedPath, result.recordPath], signal, () => verifyPreparedModel(modelDir, variant, result.preparedPath));
    io.stderr.write(
      `Verified on ${report.positions} masked positions: top-1 agrees on ${report.top1Agreement}, top-5 ids differ on ${report.topKMismatches}, max probability difference ${report.maxProbabilityDifference.toExponential(2)}.\n`,
    );
    const exact = report.topKMismatches === 0 && report.maxProbabilityDifference <= EXACT_TOLERANCE;
    if (!exact && !result.record.approximate) {
      io.stderr.write(`maskfill model prepare: the prepared graph differs from ${result.sourcePath} by more than ${EXACT_TOLERANCE}; delete ${result.preparedPath} and report the model.\n`);
      return 1;
    }
    if (result.record.approximate) {
      io.stderr.write("This is an int8 graph: its head quantizes only the gathered rows, so small differences from the plain export are expected.\n");
    }
  }
  io.stdout.write(`${result.preparedPath}\n`);
  return 0;
}
