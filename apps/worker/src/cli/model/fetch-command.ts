import { parseArgs } from "node:util";
import { pino } from "pino";
import { DEFAULT_HUB_ENDPOINT, fetchModel, modelDirFor, resolveModelAlias } from "@maskfill/core/hub";
import type { CliIo } from "./cli-io.ts";
import { ProgressPrinter } from "./progress-printer.ts";
import { UsageError } from "../cli-options.ts";

export const FETCH_HELP = `Usage: maskfill model fetch NAME [--dir DIR] [--repo REPO] [--variant VARIANT] [--revision REV] [--endpoint URL]

Downloads an ONNX fill-mask model from the Hugging Face Hub into DIR/<name>, checking every file's
size and checksum and resuming partial downloads. Prints the model directory on stdout.
  NAME              roberta-base or roberta-large (FacebookAI/roberta-*), or a repository id owner/name
  --dir DIR         parent directory of the model directory (default "models")
  --repo REPO       repository to download from instead of NAME's, e.g. Xenova/roberta-large
  --variant NAME    fp32 (model.onnx, default), quantized (model_quantized.onnx) or fp16 (model_fp16.onnx)
  --revision REV    branch, tag or commit (default main)
  --endpoint URL    Hub address (default: $HF_ENDPOINT, else ${DEFAULT_HUB_ENDPOINT})
  --retries N       extra attempts per file after a network error, 0-10 (default 3)
Environment:
  HF_TOKEN          access token for private or gated repositories, sent as a bearer token
`;

/** Runs `maskfill model fetch` and returns the exit code; invalid arguments throw with the fix. */
export async function runModelFetch(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dir: { type: "string", default: "models" },
      repo: { type: "string" },
      variant: { type: "string", default: "fp32" },
      revision: { type: "string", default: "main" },
      endpoint: { type: "string" },
      retries: { type: "string", default: "3" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    io.stdout.write(FETCH_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    throw new UsageError(`expected one model name, got ${positionals.length}: ${positionals.join(" ")}. Run \`maskfill model fetch --help\`.`);
  }
  const name = positionals[0] ?? values.repo;
  if (name === undefined) {
    throw new UsageError("missing model name: pass roberta-base, roberta-large or a repository id, or --repo. Run `maskfill model fetch --help`.");
  }
  const variant = values.variant;
  if (variant !== "fp32" && variant !== "quantized" && variant !== "fp16") {
    throw new UsageError(`--variant must be fp32, quantized or fp16, got "${variant}".`);
  }
  const retries = Number(values.retries);
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
    throw new UsageError(`--retries must be a whole number from 0 to 10, got "${values.retries}".`);
  }

  const repo = values.repo ?? resolveModelAlias(name);
  const endpoint = values.endpoint ?? (io.env.HF_ENDPOINT || DEFAULT_HUB_ENDPOINT);
  const token = io.env.HF_TOKEN || undefined;
  const modelDir = modelDirFor(values.dir, name);
  const printer = new ProgressPrinter(io.stderr);
  const logger = pino({ name: "maskfill-model-fetch", level: io.env.LOG_LEVEL ?? "warn" }, pino.destination(2));

  io.stderr.write(`Fetching ${repo} (${variant}, revision ${values.revision}) from ${endpoint} into ${modelDir}\n`);
  const result = await fetchModel(
    { repo, revision: values.revision, variant, endpoint, token, modelDir, retries },
    {
      onFileStart: (file) => printer.start(file),
      onProgress: (progress) => printer.update(progress),
      onFileDone: (file, outcome) => printer.done(file, outcome),
      logger,
    },
  );

  const commit = result.commit === null ? "" : ` at commit ${result.commit}`;
  io.stderr.write(`Model ready: ${result.files.length} files from ${result.repo}${commit}. Use it with \`maskfill fill --model ${result.modelDir}\` or MASKFILL_MODEL_DIR=${result.modelDir}\n`);
  io.stdout.write(`${result.modelDir}\n`);
  return 0;
}
