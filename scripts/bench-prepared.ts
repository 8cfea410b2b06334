// Benchmark of prepared graphs: the machine's fp32 MatMul rate, the model's fill-mask ceiling,
// the engine's fill-mask rate against it, PLL scoring with the prepared graph against
// full logits, and peak resident memory. Run: npx tsx scripts/bench-prepared.ts --help
import { readFile, stat } from "node:fs/promises";
import { availableParallelism, cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-node";
import { BatchRunner, Engine, logSumExp, MaskedTextTokenizer, type LogitsRequest } from "../packages/core/src/engine/index.ts";
import { readModelFiles } from "../packages/core/src/engine/model-files.ts";
import { measureMatMulRate, PreparedRunner, preparedFileName, usefulFlopsPerSentence, type EncoderShape, type PreparedRequest } from "../packages/core/src/prepare/index.ts";
import { encoderShape } from "./bench-ceiling.ts";

const USAGE = `Usage: npx tsx scripts/bench-prepared.ts --model DIR [options]

  --model DIR          model directory; run \`maskfill model prepare DIR\` first to measure the prepared graph
  --mode MODE          fill-mask (default), scoring (prepared graph against full logits) or
                       score-memory (Engine.score over the input in chunks of 64, with peak RSS), or
                       int8 (fill-mask speed and top-1 agreement of model_quantized.onnx against model.onnx)
  --input FILE         one sentence per line (default: scripts/data/masked-1024.txt, or plain-256.txt for scoring)
  --limit N            use N evenly spaced lines (default 64 for fill-mask, 8 for scoring)
  --token-budget N     padded tokens per batch (default 2048)
  --threads N          onnxruntime intra-op threads (default: one per CPU)
  --provider NAME      cpu (default) or cuda
  --json               print the report as JSON`;

function evenlySpaced<T>(items: T[], limit: number): T[] {
  if (limit >= items.length) return items;
  return Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)]!);
}

function positiveInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive integer; got "${value}".`);
  return parsed;
}

async function benchFillMask(modelDir: string, texts: string[], tokenBudget: number, threads: number, provider: "cpu" | "cuda", shape: EncoderShape): Promise<Record<string, unknown>> {
  const matmul = provider === "cpu" ? await measureMatMulRate({ intraOpThreads: threads, rows: tokenBudget, inner: shape.hiddenSize, columns: shape.intermediateSize }) : null;
  const engine = await Engine.load({ modelDir, tokenBudget, intraOpThreads: threads, executionProvider: provider });
  try {
    await engine.fillMask(texts.slice(0, 4).map((text) => ({ text })));
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const outcomes = await engine.fillMask(texts.map((text) => ({ text, topK: 5 })));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    let flops = 0;
    let tokens = 0;
    for (const outcome of outcomes) {
      if (!outcome.ok) throw new Error(`A sentence failed: ${outcome.error.message}`);
      tokens += outcome.value.tokenCount;
      flops += usefulFlopsPerSentence(shape, outcome.value.tokenCount, outcome.value.masks.length);
    }
    const sentencesPerSecond = texts.length / seconds;
    const ceiling = matmul === null ? null : matmul.flopsPerSecond / (flops / texts.length);
    // The same ratio by CPU time: useful FLOPs per CPU second of the engine against the MatMul's.
    const cpuRatio = matmul === null ? null : flops / cpuSeconds / matmul.flopsPerCpuSecond;
    return {
      prepared: engine.preparedRunner !== null,
      sentences: texts.length,
      meanTokens: tokens / texts.length,
      usefulGflopPerSentence: flops / texts.length / 1e9,
      matmulGflops: matmul === null ? null : matmul.flopsPerSecond / 1e9,
      ceilingSentencesPerSecond: ceiling,
      sentencesPerSecond,
      ratioToCeiling: ceiling === null ? null : sentencesPerSecond / ceiling,
      cpuSeconds,
      matmulGflopsPerCpuSecond: matmul === null ? null : matmul.flopsPerCpuSecond / 1e9,
      cpuRatioToCeiling: cpuRatio,
    };
  } finally {
    await engine.dispose();
  }
}

/** Scores every token of each sentence (one masked copy per token) with full logits, then with the prepared graph. */
async function benchScoring(modelDir: string, texts: string[], tokenBudget: number, threads: number, provider: "cpu" | "cuda"): Promise<Record<string, unknown>> {
  const files = await readModelFiles(modelDir, "fp32");
  const tokenizer = new MaskedTextTokenizer(files.tokenizerJson, files.tokenizerConfig, files.modelDir);
  const vocabSize = files.config.vocab_size;
  const requests: PreparedRequest[] = [];
  for (const text of texts) {
    const ids = tokenizer.encode(text).ids;
    for (let position = 1; position < ids.length - 1; position += 1) {
      const masked = ids.slice();
      masked[position] = tokenizer.maskTokenId;
      requests.push({ inputIds: masked, positions: [position], topK: 0, targetIds: [[ids[position]!]] });
    }
  }
  const options: ort.InferenceSession.SessionOptions = { executionProviders: [provider], graphOptimizationLevel: "all", executionMode: "sequential", intraOpNumThreads: threads };

  const plainSession = await ort.InferenceSession.create(files.onnxPath, options);
  const plainLogProbs: number[] = [];
  let plainSeconds: number;
  try {
    const runner = new BatchRunner(plainSession, tokenBudget, tokenizer.padTokenId, vocabSize);
    const logitsRequests: LogitsRequest[] = requests.map((request) => ({ inputIds: request.inputIds, positions: request.positions }));
    await runner.run(logitsRequests.slice(0, 4), () => undefined);
    const started = performance.now();
    await runner.run(logitsRequests, (index, _position, logits) => {
      plainLogProbs[index] = logits[requests[index]!.targetIds![0]![0]!]! - logSumExp(logits);
    });
    plainSeconds = (performance.now() - started) / 1000;
  } finally {
    await plainSession.release();
  }

  const preparedSession = await ort.InferenceSession.create(join(files.modelDir, preparedFileName("model.onnx")), options);
  let preparedSeconds: number;
  let maxDifference = 0;
  try {
    const runner = new PreparedRunner(preparedSession, tokenBudget, tokenizer.padTokenId, vocabSize);
    await runner.run(requests.slice(0, 4), () => undefined);
    const started = performance.now();
    await runner.run(requests, (index, _position, row) => {
      maxDifference = Math.max(maxDifference, Math.abs(row.targetLogProbs[0]! - plainLogProbs[index]!));
    });
    preparedSeconds = (performance.now() - started) / 1000;
  } finally {
    await preparedSession.release();
  }
  return {
    sentences: texts.length,
    scoredTokens: requests.length,
    fullLogitsTokensPerSecond: requests.length / plainSeconds,
    preparedTokensPerSecond: requests.length / preparedSeconds,
    speedup: plainSeconds / preparedSeconds,
    maxLogProbDifference: maxDifference,
  };
}

/** Scores the texts through Engine.score in chunks of 64, as a worker does, and reports speed and peak RSS. */
async function benchScoreMemory(modelDir: string, texts: string[], tokenBudget: number, threads: number, provider: "cpu" | "cuda"): Promise<Record<string, unknown>> {
  const engine = await Engine.load({ modelDir, tokenBudget, intraOpThreads: threads, executionProvider: provider });
  const modelBytes = (await stat(engine.info.onnxPath)).size;
  const afterLoadMiB = process.memoryUsage().rss / 2 ** 20;
  let scoredTokens = 0;
  let firstChunkPeakMiB = 0;
  const started = performance.now();
  try {
    for (let start = 0; start < texts.length; start += 64) {
      const outcomes = await engine.score(texts.slice(start, start + 64).map((text) => ({ text })));
      for (const outcome of outcomes) {
        if (outcome.ok) scoredTokens += outcome.value.tokens.length;
      }
      // Peak after the first chunk against the final peak shows whether memory grows with the corpus.
      if (start === 0) firstChunkPeakMiB = process.resourceUsage().maxRSS / 1024;
    }
  } finally {
    await engine.dispose();
  }
  const seconds = (performance.now() - started) / 1000;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  return {
    prepared: engine.preparedRunner !== null,
    sentences: texts.length,
    scoredTokens,
    scoredTokensPerSecond: scoredTokens / seconds,
    modelMiB: modelBytes / 2 ** 20,
    rssAfterLoadMiB: afterLoadMiB,
    firstChunkPeakRssMiB: firstChunkPeakMiB,
    peakRssMiB: peakMiB,
    peakOverModelSize: peakMiB / (modelBytes / 2 ** 20),
  };
}

/** Runs fill-mask with the fp32 and the int8 variant; reports both speeds, top-1 agreement and the largest top-1 probability difference. */
async function benchInt8(modelDir: string, texts: string[], tokenBudget: number, threads: number): Promise<Record<string, unknown>> {
  const runs: { prepared: boolean; seconds: number; top: { tokenId: number; probability: number }[] }[] = [];
  for (const variant of ["fp32", "quantized"] as const) {
    const engine = await Engine.load({ modelDir, variant, tokenBudget, intraOpThreads: threads });
    try {
      await engine.fillMask(texts.slice(0, 4).map((text) => ({ text })));
      const started = performance.now();
      const outcomes = await engine.fillMask(texts.map((text) => ({ text, topK: 1 })));
      const seconds = (performance.now() - started) / 1000;
      const top = outcomes.flatMap((outcome) => (outcome.ok ? outcome.value.masks.map((mask) => ({ tokenId: mask[0]!.tokenId, probability: mask[0]!.probability })) : []));
      runs.push({ prepared: engine.preparedRunner !== null, seconds, top });
    } finally {
      await engine.dispose();
    }
  }
  const [fp32, int8] = runs as [(typeof runs)[number], (typeof runs)[number]];
  const agreeing = fp32.top.filter((entry, index) => entry.tokenId === int8.top[index]?.tokenId).length;
  const maxDifference = Math.max(...fp32.top.map((entry, index) => Math.abs(entry.probability - (int8.top[index]?.probability ?? 0))));
  return {
    sentences: texts.length,
    masks: fp32.top.length,
    fp32: { prepared: fp32.prepared, sentencesPerSecond: texts.length / fp32.seconds },
    int8: { prepared: int8.prepared, sentencesPerSecond: texts.length / int8.seconds },
    top1Agreement: agreeing / fp32.top.length,
    maxTop1ProbabilityDifference: maxDifference,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: "string" },
      mode: { type: "string", default: "fill-mask" },
      input: { type: "string" },
      limit: { type: "string" },
      "token-budget": { type: "string" },
      threads: { type: "string" },
      provider: { type: "string", default: "cpu" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.model === undefined) throw new Error("--model is required: pass a model directory. Run with --help.");
  if (!["fill-mask", "scoring", "score-memory", "int8"].includes(values.mode)) {
    throw new Error(`--mode must be fill-mask, scoring, score-memory or int8; got "${values.mode}".`);
  }
  if (values.provider !== "cpu" && values.provider !== "cuda") throw new Error(`--provider must be cpu or cuda; got "${values.provider}".`);
  const scoring = values.mode === "scoring" || values.mode === "score-memory";
  const input = values.input ?? new URL(scoring ? "data/plain-256.txt" : "data/masked-1024.txt", import.meta.url).pathname;
  const lines = (await readFile(input, "utf8")).split("\n").filter((line) => line.trim() !== "");
  const texts = evenlySpaced(lines, positiveInteger("limit", values.limit, scoring ? 8 : 64));
  const tokenBudget = positiveInteger("token-budget", values["token-budget"], 2048);
  const threads = positiveInteger("threads", values.threads, availableParallelism());
  const shape = await encoderShape(values.model);
  const loadBefore = loadavg()[0]!;

  const result =
    values.mode === "scoring"
      ? await benchScoring(values.model, texts, tokenBudget, threads, values.provider)
      : values.mode === "score-memory"
        ? await benchScoreMemory(values.model, texts, tokenBudget, threads, values.provider)
        : values.mode === "int8"
          ? await benchInt8(values.model, texts, tokenBudget, threads)
          : await benchFillMask(values.model, texts, tokenBudget, threads, values.provider, shape);
  const report = {
    date: new Date().toISOString(),
    machine: `${cpus().length} x ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`,
    loadAverage: { before: loadBefore, after: loadavg()[0]! },
    model: values.model,
    mode: values.mode,
    input,
    settings: { tokenBudget, threads, provider: values.provider },
    result,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-prepared: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
