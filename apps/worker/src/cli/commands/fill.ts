import type { Writable } from "node:stream";
import { DEMO_MODEL_NOTICE, Engine, isBundledModelDir, type FillMaskRequest } from "@maskfill/core";
import { integerOption, parseCliArgs, UsageError } from "../cli-options.ts";
import { corpusArgs, requireTextsOrInput } from "../corpus-args.ts";
import { loadEngineFromArgs } from "../engine-args.ts";
import { fillCorpus } from "../fill-corpus.ts";
import { formatTable, toFillLine } from "../fill-format.ts";
import { withCorpusOutput } from "../output-file.ts";
import type { ProgressStream } from "../progress-bar.ts";
import { inferValidTexts } from "../text-rules.ts";
import { writeOutcomeTables } from "../text-tables.ts";
import type { CliCommand } from "./index.ts";

const HELP = `Usage: maskfill fill "TEXT with <mask>" [TEXT ...] [options]
       maskfill fill --input FILE [--output results.jsonl] [options]

Predicts the words behind each mask. Write a mask as <mask> or [MASK] (any letter case).
A text with a control character other than tab and line breaks fails, as in the HTTP API.

Options:
  --model DIR            model directory (default: MASKFILL_MODEL_DIR, then the bundled mini model)
  --variant NAME         ONNX file: fp32, quantized or fp16 (default: the directory's maskfill.json, then fp32)
  --top-k N              predictions per mask, 1 to the vocabulary size (default 5)
  --target WORD          score only this candidate; repeat for several (write " cat" with its space)
  --keep-special-tokens  allow <s>, </s>, <pad>, <unk> and <mask> among the predictions
  --json                 print JSON instead of a table (single texts)
  --input FILE           corpus to fill: .txt (one sentence per line), .jsonl or .csv
  --output FILE          JSON lines output for --input (default: standard output);
                         its directory must exist
  --format FORMAT        corpus format txt, jsonl or csv (default: from the file extension)
  --field PATH           jsonl: key of the text (default "text")
  --column NAME          csv: header name or 0-based index of the text column
  --header MODE          csv: true, false or auto (default: auto, guessed from the first rows)
  --chunk-size N         corpus rows per engine call (default 256)
  --no-progress          no progress bar on standard error
  --threads N            CPU threads for onnxruntime, 0 lets it choose (default 0)
  --token-budget N       padded tokens per batch (default 1024)
  --execution-provider   cpu (default) or cuda
  -h, --help             show this help

Exit status: 0 when every text or line was filled (blank lines are skipped), 1 when any failed
or the run could not finish, 2 for an invalid command line.
`;

/** Output streams and environment of the command; tests pass their own. */
export interface FillIo {
  stdout: Writable;
  stderr: Writable & ProgressStream;
  env: NodeJS.ProcessEnv;
}

/** Runs `maskfill fill` with `args` (after the command name); returns the exit code. */
export async function runFill(args: string[], io: FillIo): Promise<number> {
  const { values, positionals } = parseCliArgs(
    args,
    {
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
      header: { type: "string" },
      "chunk-size": { type: "string" },
      "no-progress": { type: "boolean", default: false },
      threads: { type: "string" },
      "token-budget": { type: "string" },
      "execution-provider": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    "fill",
  );
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  requireTextsOrInput(values.input, positionals.length, 'give a text to fill, e.g. maskfill fill "The cat sat on the <mask>.", or a corpus with --input FILE. Run `maskfill fill --help`.');
  if (values.input === undefined && (values.output ?? values.format ?? values.field ?? values.column ?? values.header ?? values["chunk-size"]) !== undefined) {
    throw new UsageError("--output, --format, --field, --column, --header and --chunk-size apply to --input only.");
  }

  const request: Omit<FillMaskRequest, "text"> = { dropSpecialTokens: !values["keep-special-tokens"] };
  const topK = integerOption("top-k", values["top-k"], 1, "the model's vocabulary size");
  if (topK !== undefined) request.topK = topK;
  if (values.target !== undefined) request.targets = values.target;

  const engine = await loadEngineFromArgs(values, { name: "variant", value: values.variant }, io.env);
  try {
    // The upper bound of --top-k is known only once the model is loaded.
    integerOption("top-k", values["top-k"], 1, engine.info.vocabSize);
    const demo = isBundledModelDir(engine.info.modelDir);
    if (values.input !== undefined) {
      if (demo) io.stderr.write(`Note: ${DEMO_MODEL_NOTICE}\n`);
      return await runCorpus(engine, values, request, io);
    }

    const outcomes = await inferValidTexts(positionals, (texts) => engine.fillMask(texts.map((text) => ({ ...request, text }))));
    if (values.json) {
      let failed = 0;
      for (const [i, outcome] of outcomes.entries()) {
        if (!outcome.ok) failed += 1;
        io.stdout.write(`${JSON.stringify(toFillLine(i + 1, positionals[i]!, outcome))}\n`);
      }
      if (demo) io.stderr.write(`Note: ${DEMO_MODEL_NOTICE}\n`);
      return failed === 0 ? 0 : 1;
    }
    return writeOutcomeTables(engine, outcomes, formatTable, io);
  } finally {
    await engine.dispose();
  }
}

async function runCorpus(
  engine: Engine,
  values: { input?: string; output?: string; format?: string; field?: string; column?: string; header?: string; "chunk-size"?: string; "no-progress"?: boolean },
  request: Omit<FillMaskRequest, "text">,
  io: FillIo,
): Promise<number> {
  const inputPath = values.input!;
  const corpus = corpusArgs(values, inputPath);
  const chunkSize = integerOption("chunk-size", values["chunk-size"], 1) ?? 256;

  const summary = await withCorpusOutput(values.output, inputPath, io.stdout, (output) =>
    fillCorpus(engine, { inputPath, ...corpus, chunkSize, request, progress: values["no-progress"] ? null : io.stderr }, output),
  );
  io.stderr.write(`Filled ${summary.filled} lines; ${summary.failed} errors, ${summary.blank} blank lines${values.output === undefined ? "" : `; results in ${values.output}`}.\n`);
  return summary.failed === 0 ? 0 : 1;
}

/** `maskfill fill`: fills masks in texts typed on the command line or in a corpus file. */
export const fillCommand: CliCommand = {
  summary: "Predict the words behind <mask> in texts or a corpus file",
  run: (args) => runFill(args, { stdout: process.stdout, stderr: process.stderr, env: process.env }),
};
