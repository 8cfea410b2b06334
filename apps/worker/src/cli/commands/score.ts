import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Writable } from "node:stream";
import { DEMO_MODEL_NOTICE, Engine, isBundledModelDir, SCORE_VARIANTS, type ScoreVariant } from "@maskfill/core";
import { choiceOption, integerOption, parseCliArgs, UsageError } from "../cli-options.ts";
import { corpusArgs, requireTextsOrInput } from "../corpus-args.ts";
import { loadEngineFromArgs } from "../engine-args.ts";
import { withCorpusOutput } from "../output-file.ts";
import type { ProgressStream } from "../progress-bar.ts";
import { MAX_REPORTED_FAILURES, scoreCorpus } from "../score-corpus.ts";
import { formatCorpusSummary, formatScoreTable, toScoreLine } from "../score-format.ts";
import { inferValidTexts } from "../text-rules.ts";
import { writeOutcomeTables } from "../text-tables.ts";
import type { CliCommand } from "./index.ts";

const HELP = `Usage: maskfill score "A sentence." [TEXT ...] [options]
       maskfill score --input FILE [--output scores.jsonl] [options]

Scores how natural each sentence is to the model: the pseudo-log-likelihood (PLL), the sum
of the log-probabilities of each token with that token masked, its token count N, PLL/N and
the pseudo-perplexity exp(-PLL/N). With --input, prints a corpus summary at the end.
A text with a control character other than tab and line breaks fails, as in the HTTP API.

Options:
  --variant NAME         original (default) or within_word_l2r (also masks the rest of each word)
  --json                 print JSON lines instead of a table (single texts)
  --input FILE           corpus to score: .txt (one sentence per line), .jsonl or .csv
  --output FILE          JSON lines output for --input, one line per input row (default: standard output);
                         its directory must exist
  --no-tokens            leave the per-token list out of --input records
  --format FORMAT        corpus format txt, jsonl or csv (default: from the file extension)
  --field PATH           jsonl: key of the text (default "text")
  --column NAME          csv: header name or 0-based index of the text column
  --header MODE          csv: true, false or auto (default: auto, guessed from the first rows)
  --chunk-size N         corpus rows per engine call (default 64)
  --no-progress          no progress bar on standard error
  --model DIR            model directory (default: MASKFILL_MODEL_DIR, then the bundled mini model)
  --model-variant NAME   ONNX file: fp32, quantized or fp16 (default: the directory's maskfill.json, then fp32)
  --threads N            CPU threads for onnxruntime, 0 lets it choose (default 0)
  --token-budget N       padded tokens per batch (default 2048)
  --execution-provider   cpu (default) or cuda
  -h, --help             show this help

Exit status: 0 when every row was scored or blank, 1 when some row failed (see its record) or
the run could not finish, 2 for an invalid command line.
`;

/** Output streams and environment of the command; tests pass their own. */
export interface ScoreIo {
  stdout: Writable;
  stderr: Writable & ProgressStream;
  env: NodeJS.ProcessEnv;
}

/** Parsed command-line values of `maskfill score`. */
type ScoreValues = ReturnType<typeof parseScoreArgs>["values"];

function parseScoreArgs(args: string[]) {
  return parseCliArgs(
    args,
    {
      variant: { type: "string" },
      json: { type: "boolean", default: false },
      input: { type: "string" },
      output: { type: "string" },
      "no-tokens": { type: "boolean", default: false },
      format: { type: "string" },
      field: { type: "string" },
      column: { type: "string" },
      header: { type: "string" },
      "chunk-size": { type: "string" },
      "no-progress": { type: "boolean", default: false },
      model: { type: "string" },
      "model-variant": { type: "string" },
      threads: { type: "string" },
      "token-budget": { type: "string" },
      "execution-provider": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    "score",
  );
}

/** Runs `maskfill score` with `args` (after the command name); returns the exit code. */
export async function runScore(args: string[], io: ScoreIo): Promise<number> {
  const { values, positionals } = parseScoreArgs(args);
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  requireTextsOrInput(values.input, positionals.length, 'give a sentence to score, e.g. maskfill score "The cat sat on the mat.", or a corpus with --input FILE. Run `maskfill score --help`.');
  const corpusOnly = [values.output, values.format, values.field, values.column, values.header, values["chunk-size"]];
  if (values.input === undefined && (corpusOnly.some((value) => value !== undefined) || values["no-tokens"])) {
    throw new UsageError("--output, --no-tokens, --format, --field, --column, --header and --chunk-size apply to --input only.");
  }
  const variant = choiceOption<ScoreVariant>("variant", values.variant, SCORE_VARIANTS) ?? "original";
  if (values.input !== undefined) {
    await checkCorpusPaths(values.input, values.output);
  }

  const engine = await loadEngineFromArgs(values, { name: "model-variant", value: values["model-variant"] }, io.env);
  try {
    const demo = isBundledModelDir(engine.info.modelDir);
    if (values.input !== undefined) {
      if (demo) io.stderr.write(`Note: ${DEMO_MODEL_NOTICE}\n`);
      return await runCorpus(engine, values, variant, io);
    }
    return await runTexts(engine, positionals, variant, values.json, io);
  } finally {
    await engine.dispose();
  }
}

/** Checks the corpus paths before anything is written: the input must be a file, and the output must not be the input. */
async function checkCorpusPaths(input: string, output: string | undefined): Promise<void> {
  const info = await stat(input).catch(() => null);
  if (info === null) {
    throw new Error(`input file not found: ${input}. Check the path.`);
  }
  if (!info.isFile()) {
    throw new Error(`--input must be a file; ${input} is not one.`);
  }
  if (output !== undefined && resolve(output) === resolve(input)) {
    throw new Error(`--output ${output} is the input file; writing there would destroy the corpus. Choose another output path.`);
  }
}

async function runTexts(engine: Engine, texts: string[], variant: ScoreVariant, json: boolean, io: ScoreIo): Promise<number> {
  const outcomes = await inferValidTexts(texts, (valid) => engine.score(valid.map((text) => ({ text, variant }))));
  if (json) {
    let failed = 0;
    outcomes.forEach((outcome, index) => {
      if (!outcome.ok) failed += 1;
      const record = outcome.ok ? { line: index + 1, model: engine.info.name, ...outcome.value } : toScoreLine(index + 1, texts[index]!, engine.info.name, outcome, true);
      io.stdout.write(`${JSON.stringify(record)}\n`);
    });
    if (isBundledModelDir(engine.info.modelDir)) io.stderr.write(`Note: ${DEMO_MODEL_NOTICE}\n`);
    return failed === 0 ? 0 : 1;
  }
  return writeOutcomeTables(engine, outcomes, formatScoreTable, io);
}

async function runCorpus(engine: Engine, values: ScoreValues, variant: ScoreVariant, io: ScoreIo): Promise<number> {
  const inputPath = values.input!;
  const corpus = corpusArgs(values, inputPath);
  const chunkSize = integerOption("chunk-size", values["chunk-size"], 1) ?? 64;

  const report = await withCorpusOutput(values.output, inputPath, io.stdout, (output) =>
    scoreCorpus(engine, { inputPath, ...corpus, variant, chunkSize, withTokens: !values["no-tokens"], progress: values["no-progress"] ? null : io.stderr }, output),
  );

  const failedLines = report.failed === 0 ? "" : ` (line${report.failed === 1 ? "" : "s"} ${report.failedLines.join(", ")}${report.failed > MAX_REPORTED_FAILURES ? ", ..." : ""})`;
  io.stderr.write(
    `Scored ${report.scored} lines with ${engine.info.name} (${variant}); ${report.failed} errors${failedLines}, ${report.blank} blank lines skipped${values.output === undefined ? "" : `; results in ${values.output}`}.\n`,
  );
  io.stderr.write(formatCorpusSummary(report.summary));
  return report.failed === 0 ? 0 : 1;
}

/** `maskfill score`: scores texts typed on the command line or every line of a corpus file. */
export const scoreCommand: CliCommand = {
  summary: "Score sentences by pseudo-log-likelihood, alone or a whole corpus",
  run: (args) => runScore(args, { stdout: process.stdout, stderr: process.stderr, env: process.env }),
};
