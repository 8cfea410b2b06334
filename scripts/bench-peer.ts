// Child process of scripts/bench.ts: runs the transformers.js fill-mask pipeline. It is a
// separate process because transformers.js bundles onnxruntime-node 1.30, whose native
// binding cannot load next to the engine's onnxruntime-node 1.31 in one process.
// Input: a PeerJob as JSON on stdin. Output: a BenchRun as JSON on stdout.
import { basename, dirname } from "node:path";
import { text } from "node:stream/consumers";
import { env, pipeline } from "@huggingface/transformers";
import type { ModelVariant } from "../packages/core/src/engine/index.ts";

/** One timed run: how many sentences and tokens were processed in how many milliseconds. */
export interface BenchRun {
  sentences: number;
  tokens: number;
  ms: number;
  /** CPU time of the process (user + system, all threads) during the run. */
  cpuMs: number;
}

/** Job that the parent process sends to the peer. */
export interface PeerJob {
  modelDir: string;
  /** "" for the optimum layout (model.onnx beside tokenizer.json), "onnx" for the transformers.js layout. */
  onnxSubfolder: string;
  variant: ModelVariant;
  texts: string[];
  /** Texts per pipeline call; each call pads to its longest text. */
  batchSize: number;
  warmupTexts: string[];
  /** Timed passes over the texts; the fastest one is reported. */
  repeat: number;
  /** Intra-op threads for onnxruntime, the same number the engine uses. */
  threads: number;
}

/** transformers.js dtype whose file name suffix matches each engine variant. */
const PEER_DTYPES: Record<ModelVariant, "fp32" | "q8" | "fp16"> = { fp32: "fp32", quantized: "q8", fp16: "fp16" };

/** Runs the pipeline on the job's texts in file order, loading only from the local model directory. */
async function runPeer(job: PeerJob): Promise<BenchRun> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${dirname(job.modelDir)}/`;
  const unmasker = await pipeline("fill-mask", basename(job.modelDir), {
    local_files_only: true,
    subfolder: job.onnxSubfolder,
    dtype: PEER_DTYPES[job.variant],
    device: "cpu",
    session_options: { intraOpNumThreads: job.threads },
  });
  try {
    await unmasker(job.warmupTexts, { top_k: 5 });
    let best: BenchRun | null = null;
    for (let pass = 0; pass < job.repeat; pass += 1) {
      let tokens = 0;
      const cpuStart = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < job.texts.length; i += job.batchSize) {
        const batch = job.texts.slice(i, i + job.batchSize);
        await unmasker(batch, { top_k: 5 });
        for (const sentence of batch) {
          tokens += unmasker.tokenizer.encode(sentence).length;
        }
      }
      const cpu = process.cpuUsage(cpuStart);
      const run = { sentences: job.texts.length, tokens, ms: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
      if (best === null || run.ms < best.ms) best = run;
    }
    return best!;
  } finally {
    await unmasker.dispose();
  }
}

const job = JSON.parse(await text(process.stdin)) as PeerJob;
process.stdout.write(`${JSON.stringify(await runPeer(job))}\n`);
