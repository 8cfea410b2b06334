import { createWriteStream } from "node:fs";
import { once } from "node:events";
import type { Writable } from "node:stream";
import { parseArgs } from "node:util";
import {
  CorpusFormat,
  defaultModelDir,
  DEMO_MODEL_NOTICE,
  detectFormat,
  Engine,
  isBundledModelDir,
  type ExecutionProviderName,
  type FillMaskRequest,
  type ModelVariant,
} from "@maskfill/core";
import { fillCorpus } from "../fill-corpus.ts";
import { formatTable, toFillLine } from "../fill-format.ts";
import type { ProgressStream } from "../progress-bar.ts";
import type { CliCommand } from "./index.ts";

const HELP = `Usage: maskfill fill "TEXT with <mask>" [TEXT ...] [options]
       maskfill fill --input FILE [--output results.jsonl] [options]

Predicts the words behind each mask. Write a mask as <mask> or [MASK] (any letter case).

Options:
  --model DIR            model directory (default: MASKFILL_MODEL_DIR, then the bundled mini model)
  --variant NAME         ONNX file: fp32, quantized or fp16 (default: the directory's maskfill.json, then fp32)
  --top-k N              predictions per mask, 1 to the vocabulary size (default 5)
  --target WORD          score only this candidate; repeat for several (write " cat" with its space)
  --keep-special-tokens  allow <s>, </s>, <pad>, <unk> and <mask> among the predictions
  --json                 print JSON instead of a table (single texts)
  --input FILE           corpus to fill: .txt (one sentence per line), .jsonl or .csv
  --output FILE          JSON lines output for --input (default: standard output)
  --format FORMAT        corpus format txt, jsonl or csv (default: from the file extension)
  --field PATH           jsonl: key of the text (default "text")
  --column NAME          csv: header name or 0-based index of the text column
  --chunk-size N         corpus rows per engine call (default 256)
  --no-progress          no progress bar on standard error
  --threads N            CPU threads for onnxruntime, 0 lets it choose (default 0)
  --token-budget N       padded tokens per batch (default 1024)
  --execution-provider   cpu (default) or cuda
  -h, --help             show this help
`;

/** Output streams and environment of the command; tests pass their own. */
export interface FillIo {
  stdout: Writable;
  stderr: Writable & ProgressStream;
  env: NodeJS.ProcessEnv;
}

function integerOption(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || parsed < min) {
    throw new Error(`--${name} must be a whole number of at least ${min}; got "${value}".`);
  }
  return parsed;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`--${name} must be ${allowed.join(" or ")}; got "${value}".`);
  }
  return value as T;
}

/** Runs `maskfill fill` with `args` (after the command name); returns the exit code. */
export async function runFill(args: string[], io: FillIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: "string" },
      variant: { type: "string" },
      "top-k": { type: "string" },
      target: { type: "string", multiple: true },
      "keep-special-tokens": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      input: { type: "string" },
      output: { type: "string" },
      format: { type: "string" },
      field: { type: "string" },
      column: { type: "string" },
      "chunk-size": { type: "string" },
      "no-progress": { type: "boolean", default: false },
      threads: { type: "string" },
      "token-budget": { type: "string" },
      "execution-provider": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (values.input === undefined && positionals.length === 0) {
    throw new Error('give a text to fill, e.g. maskfill fill "The cat sat on the <mask>.", or a corpus with --input FILE. Run `maskfill fill --help`.');
  }
  if (values.input !== undefined && positionals.length > 0) {
    throw new Error("give either texts or --input FILE, not both.");
  }
  if (values.input === undefined && (values.output ?? values.format ?? values.field ?? values.column ?? values["chunk-size"]) !== undefined) {
    throw new Error("--output, --format, --field, --column and --chunk-size apply to --input only.");
  }

  const request: Omit<FillMaskRequest, "text"> = { dropSpecialTokens: !values["keep-special-tokens"] };
  const topK = integerOption("top-k", values["top-k"], 1);
  if (topK !== undefined) request.topK = topK;
  if (values.target !== undefined) request.targets = values.target;

  const modelDir = values.model ?? defaultModelDir(io.env);
  const variant = oneOf<ModelVariant>("variant", values.variant, ["fp32", "quantized", "fp16"]);
  const executionProvider = oneOf<ExecutionProviderName>("execution-provider", values["execution-provider"], ["cpu", "cuda"]);
  const threads = integerOption("threads", values.threads, 0);
  const tokenBudget = integerOption("token-budget", values["token-budget"], 1);

  const engine = await Engine.load({
    modelDir,
    ...(variant === undefined ? {} : { variant }),
    ...(executionProvider === undefined ? {} : { executionProvider }),
    ...(threads === undefined ? {} : { intraOpThreads: threads }),
    ...(tokenBudget === undefined ? {} : { tokenBudget }),
  });
  try {
    const demo = isBundledModelDir(engine.info.modelDir);
    if (values.input !== undefined) {
      if (demo) io.stderr.write(`Note: ${DEMO_MODEL_NOTICE}\n`);
      return await runCorpus(engine, values, request, io);
    }

    const outcomes = await engine.fillMask(positionals.map((text) => ({ ...request, text })));
    let failed = 0;
    if (values.json) {
      for (const [i, outcome] of outcomes.entries()) {
        if (!outcome.ok) failed += 1;
        io.stdout.write(`${JSON.stringify(toFillLine(i + 1, positionals[i]!, outcome))}\n`);
      }
      if (demo) io.stderr.write(`Note: ${DEMO_MODEL_NOTICE}\n`);
    } else {
      io.stdout.write(`Model: ${engine.info.name} (${engine.info.variant}) from ${engine.info.modelDir}\n`);
      for (const outcome of outcomes) {
        io.stdout.write("\n");
        if (outcome.ok) {
          io.stdout.write(formatTable(outcome.value));
        } else {
          failed += 1;
          io.stderr.write(`Error (${outcome.error.code}): ${outcome.error.message}\n`);
        }
      }
      if (demo) io.stdout.write(`\nNote: ${DEMO_MODEL_NOTICE}\n`);
    }
    return failed === 0 ? 0 : 1;
  } finally {
    await engine.dispose();
  }
}

async function runCorpus(
  engine: Engine,
  values: { input?: string; output?: string; format?: string; field?: string; column?: string; "chunk-size"?: string; "no-progress"?: boolean },
  request: Omit<FillMaskRequest, "text">,
  io: FillIo,
): Promise<number> {
  const inputPath = values.input!;
  const format = values.format === undefined ? detectFormat(inputPath) : CorpusFormat.parse(values.format);
  const column = values.column === undefined ? undefined : /^\d+$/.test(values.column) ? Number(values.column) : values.column;
  const chunkSize = integerOption("chunk-size", values["chunk-size"], 1) ?? 256;

  const output: Writable = values.output === undefined ? io.stdout : createWriteStream(values.output);
  const summary = await fillCorpus(
    engine,
    {
      inputPath,
      format,
      chunkSize,
      request,
      progress: values["no-progress"] ? null : io.stderr,
      ...(values.field === undefined ? {} : { field: values.field }),
      ...(column === undefined ? {} : { column }),
    },
    output,
  );
  if (output !== io.stdout) {
    output.end();
    await once(output, "finish");
  }
  io.stderr.write(`Filled ${summary.filled} lines; ${summary.failed} errors, ${summary.blank} blank lines${values.output === undefined ? "" : `; results in ${values.output}`}.\n`);
  return 0;
}

/** `maskfill fill`: fills masks in texts typed on the command line or in a corpus file. */
export const fillCommand: CliCommand = {
  summary: "Predict the words behind <mask> in texts or a corpus file",
  run: (args) => runFill(args, { stdout: process.stdout, stderr: process.stderr, env: process.env }),
};
