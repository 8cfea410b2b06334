// Throughput benchmark of the fill-mask engine against the transformers.js fill-mask pipeline
// on the same inputs. Run: npm run bench -- --model DIR [--limit N] [--help]
import { execFile } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { DEFAULT_TOKEN_BUDGET, defaultModelDir, Engine, type FillMaskRequest } from "../packages/core/src/engine/index.ts";
import { encoderShape, measureCeiling, sumUsefulFlops } from "./bench-ceiling.ts";
import { describeMachine, evenlySpaced, integerOption, readNonBlankLines } from "./bench-options.ts";
import type { BenchRun, PeerJob } from "./bench-peer.ts";
import { formatScoreBench, runScoreBench } from "./bench-score.ts";

const USAGE = `Usage: npm run bench -- [options]

Measures sentences/s and tokens/s of the engine and of the transformers.js fill-mask
pipeline on the same masked sentences, and prints the ratio.

Options:
  --model DIR          model directory (default: MASKFILL_MODEL_DIR, then the bundled mini model)
  --variant NAME       ONNX file of the fill-mask engine and peer: fp32 (model.onnx), quantized (model_quantized.onnx)
                       or fp16 (model_fp16.onnx); default: the directory's maskfill.json, then fp32
  --input FILE         one masked sentence per line (default: scripts/data/masked-1024.txt)
  --limit N            use N evenly spaced lines of the input (default: all)
  --token-budget N     engine padded tokens per batch (default: ${DEFAULT_TOKEN_BUDGET})
  --threads N          onnxruntime intra-op threads of the engine and the peer (default: one per CPU)
  --repeat N           timed passes of each side; the fastest is reported (default: 3)
  --peer-batch N       sentences per transformers.js pipeline call (default: 32)
  --no-peer            measure the engine only
  --score-limit N      scoring benchmark: use N evenly spaced lines of scripts/data/plain-256.txt (default: all)
  --no-score           skip the scoring benchmark (see bench-score.ts)
  --json               print the results as JSON
  -h, --help           show this help`;

function rates(run: BenchRun): { sentencesPerSecond: number; tokensPerSecond: number } {
  return { sentencesPerSecond: (run.sentences * 1000) / run.ms, tokensPerSecond: (run.tokens * 1000) / run.ms };
}

/** Runs the transformers.js peer in a child process (see bench-peer.ts for why). */
function runPeer(job: PeerJob): Promise<BenchRun> {
  const script = new URL("bench-peer.ts", import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ["--import", "tsx", script], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`transformers.js peer failed: ${stderr.trim() || error.message}`));
        return;
      }
      resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as BenchRun);
    });
    child.stdin?.end(JSON.stringify(job));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: "string" },
      variant: { type: "string" },
      input: { type: "string", default: new URL("data/masked-1024.txt", import.meta.url).pathname },
      limit: { type: "string" },
      "token-budget": { type: "string" },
      threads: { type: "string" },
      repeat: { type: "string" },
      "peer-batch": { type: "string" },
      "no-peer": { type: "boolean", default: false },
      "score-limit": { type: "string" },
      "no-score": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const modelDir = values.model ?? defaultModelDir();
  const variant = values.variant;
  if (variant !== undefined && variant !== "fp32" && variant !== "quantized" && variant !== "fp16") {
    throw new Error(`--variant must be fp32, quantized or fp16; got "${variant}".`);
  }
  const lines = await readNonBlankLines(values.input);
  const texts = evenlySpaced(lines, integerOption("limit", values.limit, lines.length, 1));
  const tokenBudget = integerOption("token-budget", values["token-budget"], DEFAULT_TOKEN_BUDGET, 1);
  const threads = integerOption("threads", values.threads, availableParallelism(), 1);
  const repeat = integerOption("repeat", values.repeat, 3, 1);
  const peerBatch = integerOption("peer-batch", values["peer-batch"], 32, 1);
  const warmupTexts = texts.slice(0, 4);
  const loadBefore = loadavg()[0]!;

  const engine = await Engine.load({ modelDir, variant, tokenBudget, intraOpThreads: threads });
  const preparedGraph = engine.preparedRunner !== null;
  const requests: FillMaskRequest[] = texts.map((text) => ({ text, topK: 5 }));
  let engineRun: BenchRun;
  // Every pass fills the same sentences, so the last one's token and mask counts serve the ceiling.
  let lastOutcomes: Awaited<ReturnType<Engine["fillMask"]>> = [];
  try {
    await engine.fillMask(warmupTexts.map((text) => ({ text })));
    let best: BenchRun | null = null;
    for (let pass = 0; pass < repeat; pass += 1) {
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      const outcomes = await engine.fillMask(requests);
      const ms = performance.now() - started;
      const cpu = process.cpuUsage(cpuStart);
      const failed = outcomes.filter((outcome) => !outcome.ok).length;
      if (failed > 0) throw new Error(`${failed} of ${texts.length} inputs failed in the engine; check the input file.`);
      const tokens = outcomes.reduce((sum, outcome) => sum + (outcome.ok ? outcome.value.tokenCount : 0), 0);
      if (best === null || ms < best.ms) best = { sentences: texts.length, tokens, ms, cpuMs: (cpu.user + cpu.system) / 1000 };
      lastOutcomes = outcomes;
    }
    engineRun = best!;
  } finally {
    await engine.dispose();
  }

  const shape = await encoderShape(modelDir);
  const ceiling = await measureCeiling(shape, tokenBudget, threads, sumUsefulFlops(shape, lastOutcomes) / texts.length);
  const onnxSubfolder = engine.info.onnxPath.endsWith(`/onnx/${engine.info.onnxPath.split("/").pop()}`) ? "onnx" : "";
  const peerJob: PeerJob = { modelDir: engine.info.modelDir, onnxSubfolder, variant: engine.info.variant, texts, batchSize: peerBatch, warmupTexts, repeat, threads };
  const peerRun = values["no-peer"] ? null : await runPeer(peerJob);
  const plainLines = await readNonBlankLines(new URL("data/plain-256.txt", import.meta.url).pathname);
  const scoring = values["no-score"]
    ? null
    : await runScoreBench({
        modelDir,
        texts: evenlySpaced(plainLines, integerOption("score-limit", values["score-limit"], plainLines.length, 1)),
        tokenBudget,
        threads,
        repeat: 1,
        baseline: !values["no-peer"],
      });
  const loadAfter = loadavg()[0]!;

  const report = {
    date: new Date().toISOString(),
    machine: describeMachine(),
    loadAverage: { before: loadBefore, after: loadAfter },
    model: { name: engine.info.name, variant: engine.info.variant, parameterCount: engine.info.parameterCount, preparedGraph },
    inputs: { file: values.input, sentences: texts.length, of: lines.length },
    settings: { tokenBudget, threads, peerBatch, repeat },
    engine: { ...engineRun, ...rates(engineRun) },
    peer: peerRun === null ? null : { ...peerRun, ...rates(peerRun) },
    ratio: peerRun === null ? null : peerRun.ms / engineRun.ms,
    ceiling: { ...ceiling, ratio: rates(engineRun).sentencesPerSecond / ceiling.itemsPerSecond },
    scoring,
    cpuRatio: peerRun === null ? null : peerRun.cpuMs / engineRun.cpuMs,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const row = (label: string, run: BenchRun) => {
    const { sentencesPerSecond, tokensPerSecond } = rates(run);
    return `${label.padEnd(16)} ${sentencesPerSecond.toFixed(1).padStart(11)} ${tokensPerSecond.toFixed(0).padStart(10)} ${(run.ms / 1000).toFixed(1).padStart(8)} ${(run.cpuMs / 1000).toFixed(1).padStart(12)}`;
  };
  const lines_ = [
    `model ${report.model.name} (${report.model.variant}, ${(report.model.parameterCount / 1e6).toFixed(1)}M parameters${preparedGraph ? ", prepared graph" : ""}), ${texts.length} of ${lines.length} sentences`,
    `machine ${report.machine}, load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after`,
    `token budget ${tokenBudget}, ${threads} threads, peer batch ${peerBatch}, fastest of ${repeat} passes`,
    `${"".padEnd(16)} ${"sentences/s".padStart(11)} ${"tokens/s".padStart(10)} ${"seconds".padStart(8)} ${"CPU seconds".padStart(12)}`,
    row("engine", engineRun),
  ];
  if (peerRun !== null) {
    lines_.push(
      row("transformers.js", peerRun),
      `speed ratio (engine / transformers.js, wall time): ${report.ratio!.toFixed(2)}x; CPU time ratio: ${(peerRun.cpuMs / engineRun.cpuMs).toFixed(2)}x`,
    );
  }
  lines_.push(
    `fp32 ceiling: MatMul [${tokenBudget}, ${ceiling.inner}] x [${ceiling.inner}, ${ceiling.columns}] at ${ceiling.matmulGflops.toFixed(1)} GFLOP/s over ${ceiling.usefulGflopPerItem.toPrecision(3)} useful GFLOP per sentence = ${ceiling.itemsPerSecond.toPrecision(3)} sentences/s; engine at ${(report.ceiling.ratio * 100).toFixed(0)}% of it`,
  );
  if (scoring !== null) {
    lines_.push("", formatScoreBench(scoring).trimEnd());
  }
  process.stdout.write(`${lines_.join("\n")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
