// Throughput benchmark of pseudo-log-likelihood scoring: the engine against a baseline that
// scores the way mlm-scoring and minicons do. Run: npm run bench:score -- --model DIR [--limit N]
// `npm run bench` runs it too, after the fill-mask benchmark.
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { DEFAULT_TOKEN_BUDGET, defaultModelDir, Engine, logSumExp, type ScoreResult } from "../packages/core/src/engine/index.ts";
import { scoreTexts } from "../packages/core/src/scoring/index.ts";
import { usefulFlopsPerSentence, type EncoderShape } from "../packages/core/src/prepare/index.ts";
import { encoderShape, measureCeiling, type Ceiling } from "./bench-ceiling.ts";
import { describeMachine, evenlySpaced, integerOption, readNonBlankLines } from "./bench-options.ts";

const USAGE = `Usage: npm run bench:score -- [options]

Measures scored tokens/s of the engine's pseudo-log-likelihood scoring and of a baseline on the
same plain sentences, and prints the ratio. The baseline runs all n masked copies of a sentence
through the plain ONNX export in one call, copies out the full [n, length, vocabulary] logits
and takes the log-softmax of each masked row, as mlm-scoring and minicons do.

Options:
  --model DIR          model directory (default: MASKFILL_MODEL_DIR, then the bundled mini model)
  --input FILE         one sentence per line (default: scripts/data/plain-256.txt)
  --limit N            use N evenly spaced lines of the input (default: all)
  --token-budget N     engine padded tokens per batch (default: ${DEFAULT_TOKEN_BUDGET})
  --threads N          onnxruntime intra-op threads of both sides (default: one per CPU)
  --repeat N           timed passes of each side; the fastest is reported (default: 1)
  --no-baseline        measure the engine only
  --json               print the results as JSON
  -h, --help           show this help`;

/** One timed pass: sentences, scored tokens (N summed, without <s> and </s>) and milliseconds. */
export interface ScoreBenchRun {
  sentences: number;
  tokens: number;
  ms: number;
}

/** Settings of one scoring benchmark. */
export interface ScoreBenchOptions {
  modelDir: string;
  texts: string[];
  tokenBudget: number;
  threads: number;
  repeat: number;
  baseline: boolean;
}

/** Results of one scoring benchmark. `maxDifference` is the largest gap between engine and baseline log-probabilities. */
export interface ScoreBenchReport {
  model: { name: string; variant: string; parameterCount: number; preparedGraph: boolean };
  engine: ScoreBenchRun;
  /** The engine on the plain export, measured only when the model also has a prepared graph. */
  enginePlainGraph: ScoreBenchRun | null;
  baseline: ScoreBenchRun | null;
  /** baseline ms / engine ms. */
  ratio: number | null;
  /** The fp32 ceiling per scored token, and what it allows against the baseline. */
  ceiling: ScoreCeiling;
  maxDifference: number | null;
}

/** Runs `pass` `repeat` times and keeps the fastest run with its output. */
async function fastest<T>(repeat: number, pass: () => Promise<{ run: ScoreBenchRun; output: T }>): Promise<{ run: ScoreBenchRun; output: T }> {
  let best: { run: ScoreBenchRun; output: T } | null = null;
  for (let attempt = 0; attempt < repeat; attempt += 1) {
    const current = await pass();
    if (best === null || current.run.ms < best.run.ms) best = current;
  }
  return best!;
}

/** Times one engine pass over all texts; `plainGraph` bypasses a prepared graph. */
async function timeEngine(engine: Engine, texts: string[], plainGraph: boolean): Promise<{ run: ScoreBenchRun; output: ScoreResult[] }> {
  const requests = texts.map((text) => ({ text }));
  const model = { tokenizer: engine.tokenizer, runner: engine.runner, maxSequenceLength: engine.info.maxSequenceLength };
  const started = performance.now();
  const outcomes = plainGraph ? await scoreTexts(model, requests) : await engine.score(requests);
  const ms = performance.now() - started;
  const results = outcomes.map((outcome, i) => {
    if (!outcome.ok) throw new Error(`line ${i + 1} failed in the engine: ${outcome.error.message}`);
    return outcome.value;
  });
  return { run: { sentences: texts.length, tokens: results.reduce((sum, result) => sum + result.tokenCount, 0), ms }, output: results };
}

/**
 * Times the baseline: per sentence, one session.run over its n masked copies, the full logits
 * copied out of onnxruntime, and a log-softmax over each masked row. Returns per-token log-probabilities.
 */
async function timeBaseline(engine: Engine, session: ort.InferenceSession, texts: string[]): Promise<{ run: ScoreBenchRun; output: number[][] }> {
  const { tokenizer } = engine;
  const vocab = engine.info.vocabSize;
  const started = performance.now();
  const output: number[][] = [];
  let tokens = 0;
  for (const text of texts) {
    const ids = tokenizer.encode(text, { recognizeMasks: false }).ids;
    const length = ids.length;
    const copies = length - 2;
    const inputIds = new BigInt64Array(copies * length);
    for (let copy = 0; copy < copies; copy += 1) {
      ids.forEach((id, position) => {
        inputIds[copy * length + position] = BigInt(position === copy + 1 ? tokenizer.maskTokenId : id);
      });
    }
    const feeds = {
      input_ids: new ort.Tensor("int64", inputIds, [copies, length]),
      attention_mask: new ort.Tensor("int64", new BigInt64Array(copies * length).fill(1n), [copies, length]),
    };
    const result = await session.run(feeds);
    const logits = Float32Array.from(result.logits!.data as Float32Array);
    const logProbs: number[] = [];
    for (let copy = 0; copy < copies; copy += 1) {
      const row = logits.subarray((copy * length + copy + 1) * vocab, (copy * length + copy + 2) * vocab);
      logProbs.push(row[ids[copy + 1]!]! - logSumExp(row));
    }
    output.push(logProbs);
    tokens += copies;
  }
  return { run: { sentences: texts.length, tokens, ms: performance.now() - started }, output };
}

/** The fp32 ceiling of scoring, per scored token (one masked copy of its sentence). */
export interface ScoreCeiling extends Ceiling {
  /** Engine tokens/s over the ceiling's. */
  engineShare: number;
  /** Useful FLOPs of the baseline (LM head at every position) over the engine's (head at the masked one). */
  baselineFlopsFactor: number;
}

/**
 * Sums useful FLOPs over the masked copies of the scored texts: each of a text's N copies runs the
 * encoder on N + 2 tokens, and the LM head on one position (engine) or on all (baseline).
 */
function scoringFlops(shape: EncoderShape, results: readonly ScoreResult[]): { engine: number; baseline: number } {
  let engine = 0;
  let baseline = 0;
  for (const result of results) {
    const length = result.tokenCount + 2;
    engine += result.tokenCount * usefulFlopsPerSentence(shape, length, 1);
    baseline += result.tokenCount * usefulFlopsPerSentence(shape, length, length);
  }
  return { engine, baseline };
}

/** Runs the scoring benchmark. The engine and the baseline use the same onnxruntime session options. */
export async function runScoreBench(options: ScoreBenchOptions): Promise<ScoreBenchReport> {
  const engine = await Engine.load({ modelDir: options.modelDir, tokenBudget: options.tokenBudget, intraOpThreads: options.threads });
  try {
    const warmup = options.texts.slice(0, 2);
    const preparedGraph = engine.preparedRunner !== null;
    await timeEngine(engine, warmup, false);
    const engineRun = await fastest(options.repeat, () => timeEngine(engine, options.texts, false));
    const plainRun = preparedGraph ? await fastest(options.repeat, () => timeEngine(engine, options.texts, true)) : null;

    let baseline: { run: ScoreBenchRun; output: number[][] } | null = null;
    if (options.baseline) {
      const session = await ort.InferenceSession.create(engine.info.onnxPath, {
        graphOptimizationLevel: "all",
        executionMode: "sequential",
        interOpNumThreads: 1,
        intraOpNumThreads: options.threads,
      });
      try {
        await timeBaseline(engine, session, warmup);
        baseline = await fastest(options.repeat, () => timeBaseline(engine, session, options.texts));
      } finally {
        await session.release();
      }
    }

    let maxDifference: number | null = null;
    if (baseline !== null) {
      maxDifference = 0;
      engineRun.output.forEach((result, i) => {
        result.tokens.forEach((token, k) => {
          maxDifference = Math.max(maxDifference!, Math.abs(token.logProb - baseline!.output[i]![k]!));
        });
      });
    }
    const shape = await encoderShape(engine.info.modelDir);
    const flops = scoringFlops(shape, engineRun.output);
    const ceiling = await measureCeiling(shape, options.tokenBudget, options.threads, flops.engine / engineRun.run.tokens);
    const engineTokensPerSecond = (engineRun.run.tokens * 1000) / engineRun.run.ms;
    return {
      model: { name: engine.info.name, variant: engine.info.variant, parameterCount: engine.info.parameterCount, preparedGraph },
      ceiling: { ...ceiling, engineShare: engineTokensPerSecond / ceiling.itemsPerSecond, baselineFlopsFactor: flops.baseline / flops.engine },
      engine: engineRun.run,
      enginePlainGraph: plainRun?.run ?? null,
      baseline: baseline?.run ?? null,
      ratio: baseline === null ? null : baseline.run.ms / engineRun.run.ms,
      maxDifference,
    };
  } finally {
    await engine.dispose();
  }
}

/** Formats a report as the text table that `npm run bench` prints. */
export function formatScoreBench(report: ScoreBenchReport): string {
  const row = (label: string, run: ScoreBenchRun) =>
    `${label.padEnd(28)} ${((run.sentences * 1000) / run.ms).toFixed(1).padStart(11)} ${((run.tokens * 1000) / run.ms).toFixed(0).padStart(10)} ${(run.ms / 1000).toFixed(1).padStart(8)}`;
  const lines = [
    `scoring: ${report.engine.sentences} sentences, ${report.engine.tokens} scored tokens`,
    `${"".padEnd(28)} ${"sentences/s".padStart(11)} ${"tokens/s".padStart(10)} ${"seconds".padStart(8)}`,
    row(report.model.preparedGraph ? "engine (prepared graph)" : "engine", report.engine),
  ];
  if (report.enginePlainGraph !== null) lines.push(row("engine (plain graph)", report.enginePlainGraph));
  if (report.baseline !== null) {
    lines.push(
      row("baseline (full logits)", report.baseline),
      `ratio (baseline time / engine time): ${report.ratio!.toFixed(2)}x, largest log-probability difference ${report.maxDifference!.toExponential(1)}`,
    );
  }
  const { ceiling } = report;
  lines.push(
    `fp32 ceiling: MatMul [${ceiling.inner}, ${ceiling.columns}] at ${ceiling.matmulGflops.toFixed(1)} GFLOP/s over ${ceiling.usefulGflopPerItem.toPrecision(3)} useful GFLOP per scored token = ${ceiling.itemsPerSecond.toPrecision(3)} tokens/s; engine at ${(ceiling.engineShare * 100).toFixed(0)}% of it`,
  );
  if (report.baseline !== null) {
    const baselineTokensPerSecond = (report.baseline.tokens * 1000) / report.baseline.ms;
    lines.push(
      `the baseline does ${ceiling.baselineFlopsFactor.toFixed(2)}x the engine's useful FLOPs; an engine at the ceiling would be ${(ceiling.itemsPerSecond / baselineTokensPerSecond).toFixed(2)}x the baseline`,
    );
  }
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: "string" },
      input: { type: "string", default: new URL("data/plain-256.txt", import.meta.url).pathname },
      limit: { type: "string" },
      "token-budget": { type: "string" },
      threads: { type: "string" },
      repeat: { type: "string" },
      "no-baseline": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const lines = await readNonBlankLines(values.input);
  const texts = evenlySpaced(lines, integerOption("limit", values.limit, lines.length, 1));
  const threads = integerOption("threads", values.threads, availableParallelism(), 1);
  const loadBefore = loadavg()[0]!;
  const report = await runScoreBench({
    modelDir: values.model ?? defaultModelDir(),
    texts,
    tokenBudget: integerOption("token-budget", values["token-budget"], DEFAULT_TOKEN_BUDGET, 1),
    threads,
    repeat: integerOption("repeat", values.repeat, 1, 1),
    baseline: !values["no-baseline"],
  });
  const loadAfter = loadavg()[0]!;

  const machine = describeMachine();
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), machine, loadAverage: { before: loadBefore, after: loadAfter }, input: values.input, of: lines.length, threads, ...report }, null, 2)}\n`);
    return;
  }
  const { name, variant, parameterCount } = report.model;
  process.stdout.write(
    `model ${name} (${variant}, ${(parameterCount / 1e6).toFixed(1)}M parameters), ${texts.length} of ${lines.length} sentences\n` +
      `machine ${machine}, load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after, ${threads} threads\n` +
      formatScoreBench(report),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:score: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
