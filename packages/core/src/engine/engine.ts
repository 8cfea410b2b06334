import * as ort from "onnxruntime-node";
import { pino, type Logger } from "pino";
import { BatchRunner, type LogitsRequest } from "./batch-runner.ts";
import { EngineDisposedError, EngineOptionError, ModelLoadError } from "./errors.ts";
import { DEFAULT_MAX_MASKS_PER_TEXT, prepareFillMask, type PreparedFillMask } from "./fill-mask-request.ts";
import { topKProbabilities } from "./logits-math.ts";
import { MaskedTextTokenizer } from "./masked-text-tokenizer.ts";
import { maxSequenceLength, readModelFiles, type ModelFiles } from "./model-files.ts";
import { inspectOnnxFile } from "./onnx-parameters.ts";
import { scoreTexts, type ScoringOptions } from "../scoring/score-texts.ts";
import { findPreparedGraph, loadPreparedGraph, type LoadedPreparedGraph } from "../prepare/load-prepared.ts";
import { predictWithPreparedGraph } from "../prepare/prepared-fill-mask.ts";
import type { PreparedRunner } from "../prepare/prepared-runner.ts";
import { DeferredSession } from "../prepare/deferred-session.ts";
import type { FillMaskRequest, FillMaskResult, LoadModelOptions, ModelInfo, Outcome, Prediction, ScoreRequest, ScoreResult } from "./types.ts";

/** Default padded tokens per batch; measured on roberta-base/large shapes (see docs/benchmarks.md). */
export const DEFAULT_TOKEN_BUDGET = 1024;

const NO_IDS: ReadonlySet<number> = new Set();

/**
 * A loaded fill-mask model: an onnxruntime session, its tokenizer and a batch runner. Safe to
 * share between concurrent callers; batches run one at a time per engine.
 */
export class Engine {
  private disposed = false;
  /** The `maskfill model prepare` graph beside the export, used for fill-mask when present. */
  private preparedGraph: LoadedPreparedGraph | null = null;

  private constructor(
    readonly info: ModelInfo,
    /** Tokenizer that encodes masked or plain text with offsets; reusable by scoring code. */
    readonly tokenizer: MaskedTextTokenizer,
    /** Batched logits runner under this engine's token budget; reusable by scoring code. */
    readonly runner: BatchRunner,
    private readonly session: ort.InferenceSession,
    private readonly maxMasksPerText: number,
    private readonly logger: Logger,
  ) {}

  /**
   * Loads a model directory (optimum or transformers.js layout). Throws ModelLoadError naming
   * the path for a missing file, an unreadable graph or unexpected inputs/outputs, and
   * EngineOptionError for an invalid option.
   */
  static async load(options: LoadModelOptions): Promise<Engine> {
    const started = performance.now();
    checkLoadOptions(options);
    const logger = options.logger ?? pino({ level: "silent" });
    const executionProvider = options.executionProvider ?? "cpu";

    const files = await readModelFiles(options.modelDir, options.variant);
    const tokenizer = new MaskedTextTokenizer(files.tokenizerJson, files.tokenizerConfig, files.modelDir);
    const threading: Threading = { intraOpThreads: options.intraOpThreads ?? 0, spinning: options.threadSpinning ?? true };
    const session = await createSession(files.onnxPath, executionProvider, threading);
    try {
      const vocabSize = checkGraph(session, files, tokenizer);
      const { parameterCount, opTypes } = await inspectOnnxFile(files.onnxPath).catch((error: Error) => {
        throw new ModelLoadError(`Cannot read the weights of ${files.onnxPath}: ${error.message}`);
      });
      // DynamicQuantizeLinear computes one activation scale per tensor, that is per batch, so
      // rows would change each other's results; such graphs run one sequence per batch.
      const rowsCoupled = opTypes.has("DynamicQuantizeLinear");
      const info: ModelInfo = {
        name: files.name,
        modelDir: files.modelDir,
        onnxPath: files.onnxPath,
        variant: files.variant,
        parameterCount,
        executionProvider,
        vocabSize,
        maskToken: tokenizer.maskToken,
        maxSequenceLength: maxSequenceLength(files),
        loadMs: Math.round(performance.now() - started),
      };
      const maxRowsPerBatch = rowsCoupled ? 1 : Number.POSITIVE_INFINITY;
      const tokenBudget = options.tokenBudget ?? DEFAULT_TOKEN_BUDGET;
      // Fill-mask and scoring use the prepared graph when there is one, so the plain session is
      // released before it loads and re-created only if a caller runs the full-logits runner
      // (or the prepared graph fails to load). Memory stays at one copy of the weights.
      const preparedPath = await findPreparedGraph(files.onnxPath, logger);
      const plainSession = preparedPath === null ? session : await DeferredSession.replace(session, () => createSession(files.onnxPath, executionProvider, threading));
      const preparedGraph =
        preparedPath === null
          ? null
          : await loadPreparedGraph({
              path: preparedPath,
              createSession: (path) => createSession(path, executionProvider, threading),
              tokenBudget,
              maxRowsPerBatch,
              padTokenId: tokenizer.padTokenId,
              vocabSize,
              logger,
            });
      const runner = new BatchRunner(plainSession, tokenBudget, tokenizer.padTokenId, vocabSize, maxRowsPerBatch);
      logger.info({ model: info.name, onnxPath: info.onnxPath, variant: info.variant, executionProvider, loadMs: info.loadMs, oneSequencePerBatch: rowsCoupled }, "Model loaded");
      const engine = new Engine(info, tokenizer, runner, plainSession, options.maxMasksPerText ?? DEFAULT_MAX_MASKS_PER_TEXT, logger);
      engine.preparedGraph = preparedGraph;
      return engine;
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  /**
   * Fills the masks of every request: one outcome per request, in order. Invalid requests get
   * an error outcome and never affect the others. All valid requests share length-grouped
   * batches, and results do not depend on which requests come together.
   */
  async fillMask(requests: FillMaskRequest[]): Promise<Outcome<FillMaskResult>[]> {
    this.assertUsable();
    const limits = { maxMasksPerText: this.maxMasksPerText, maxSequenceLength: this.info.maxSequenceLength };
    const prepared = requests.map((request) => prepareFillMask(request, this.tokenizer, limits));

    const runnable: PreparedFillMask[] = [];
    const slots: number[] = [];
    prepared.forEach((outcome, index) => {
      if (outcome.ok) {
        runnable.push(outcome.value);
        slots.push(index);
      }
    });

    const logitsRequests: LogitsRequest[] = runnable.map((item) => ({ inputIds: item.ids, positions: item.maskPositions }));
    const predictions: Prediction[][][] = runnable.map((item) => item.maskPositions.map(() => []));
    if (this.preparedGraph !== null) {
      const preparedPredictions = await predictWithPreparedGraph(this.preparedGraph.runner, runnable, this.tokenizer);
      preparedPredictions.forEach((masks, index) => {
        predictions[index] = masks;
      });
    } else {
      await this.runner.run(logitsRequests, (requestIndex, maskIndex, logits) => {
        const item = runnable[requestIndex]!;
        const excluded = item.dropSpecialTokens ? this.tokenizer.specialTokenIds : NO_IDS;
        const mask = item.masks[maskIndex]!;
        predictions[requestIndex]![maskIndex] = topKProbabilities(logits, item.topK, item.candidateIds, excluded).map(({ tokenId, probability }) => {
          const token = this.tokenizer.decodeToken(tokenId);
          const sequence = item.text.slice(0, mask.absorbedStart) + token + item.text.slice(mask.absorbedEnd);
          return { tokenId, token, probability, sequence };
        });
      });
    }

    const values = new Map<number, FillMaskResult>();
    runnable.forEach((item, runIndex) => {
      const value: FillMaskResult = { text: item.text, masks: predictions[runIndex]!, tokenCount: item.ids.length, window: item.window };
      if (item.rejectedTargets !== null) {
        value.rejectedTargets = item.rejectedTargets;
      }
      values.set(slots[runIndex]!, value);
    });
    return prepared.map((outcome, index) => (outcome.ok ? { ok: true, value: values.get(index)! } : outcome));
  }

  /**
   * Computes the pseudo-log-likelihood of every request: one outcome per request, in order
   * (see scoreTexts). Masked copies of all requests share length-grouped batches under the
   * token budget, built in bounded chunks.
   */
  async score(requests: ScoreRequest[], options: ScoringOptions = {}): Promise<Outcome<ScoreResult>[]> {
    this.assertUsable();
    const model = { tokenizer: this.tokenizer, runner: this.runner, preparedRunner: this.preparedRunner, maxSequenceLength: this.info.maxSequenceLength };
    return scoreTexts(model, requests, options);
  }

  /** Releases the onnxruntime session; later calls throw EngineDisposedError. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    await this.runner.idle();
    this.runner.releaseBuffers();
    await this.session.release();
    if (this.preparedGraph !== null) {
      await this.preparedGraph.runner.idle();
      await this.preparedGraph.session.release();
    }
    this.logger.info({ model: this.info.name, onnxPath: this.info.onnxPath }, "Model released");
  }

  /** Runner over the prepared graph (top-k and target log-probabilities at given positions), or null when the model has none. */
  get preparedRunner(): PreparedRunner | null {
    return this.preparedGraph?.runner ?? null;
  }

  private assertUsable(): void {
    if (this.disposed) {
      throw new EngineDisposedError(`The engine for ${this.info.onnxPath} was disposed; load a new one with Engine.load().`);
    }
  }
}

function checkLoadOptions(options: LoadModelOptions): void {
  if (typeof options.modelDir !== "string" || options.modelDir.trim() === "") {
    throw new EngineOptionError("modelDir must be a non-empty path to a model directory.");
  }
  if (options.variant !== undefined && !["fp32", "quantized", "fp16"].includes(options.variant)) {
    throw new EngineOptionError(`variant must be fp32, quantized or fp16; got ${String(options.variant)}.`);
  }
  if (options.executionProvider !== undefined && !["cpu", "cuda"].includes(options.executionProvider)) {
    throw new EngineOptionError(`executionProvider must be cpu or cuda; got ${String(options.executionProvider)}.`);
  }
  if (options.intraOpThreads !== undefined && (!Number.isInteger(options.intraOpThreads) || options.intraOpThreads < 0)) {
    throw new EngineOptionError(`intraOpThreads must be an integer of 0 or more (0 lets onnxruntime choose); got ${String(options.intraOpThreads)}.`);
  }
  if (options.threadSpinning !== undefined && typeof options.threadSpinning !== "boolean") {
    throw new EngineOptionError(`threadSpinning must be true or false; got ${String(options.threadSpinning)}.`);
  }
  if (options.tokenBudget !== undefined && (!Number.isInteger(options.tokenBudget) || options.tokenBudget < 1)) {
    throw new EngineOptionError(`tokenBudget must be a positive integer (padded tokens per batch); got ${String(options.tokenBudget)}.`);
  }
  if (options.maxMasksPerText !== undefined && (!Number.isInteger(options.maxMasksPerText) || options.maxMasksPerText < 1 || options.maxMasksPerText > 512)) {
    throw new EngineOptionError(`maxMasksPerText must be an integer from 1 to 512; got ${String(options.maxMasksPerText)}.`);
  }
}

/** Thread settings shared by every session of one engine. */
interface Threading {
  intraOpThreads: number;
  spinning: boolean;
}

async function createSession(onnxPath: string, provider: "cpu" | "cuda", threading: Threading): Promise<ort.InferenceSession> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: "all",
    executionMode: "sequential",
    interOpNumThreads: 1,
    // Spinning threads gave about 18% more fill-mask throughput on an idle 2-core machine, while
    // sleeping threads cut CPU time per batch by about a quarter on a busy one (docs/benchmarks.md).
    extra: { session: { intra_op: { allow_spinning: threading.spinning ? "1" : "0" } } },
  };
  if (threading.intraOpThreads > 0) {
    sessionOptions.intraOpNumThreads = threading.intraOpThreads;
  }
  try {
    return await ort.InferenceSession.create(onnxPath, sessionOptions);
  } catch (error) {
    const message = (error as Error).message;
    if (provider === "cuda") {
      throw new ModelLoadError(
        `Cannot start the CUDA execution provider for ${onnxPath}: ${message}. Install onnxruntime-node's CUDA 12 binaries with \`npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12\` on a machine with an NVIDIA driver and CUDA 12, or use executionProvider "cpu".`,
      );
    }
    throw new ModelLoadError(`Cannot load the ONNX model ${onnxPath}: ${message}. The file is not a readable ONNX graph; re-export or re-download it.`);
  }
}

/** Checks the graph's inputs and outputs and returns the vocabulary size (the logits width). */
function checkGraph(session: ort.InferenceSession, files: ModelFiles, tokenizer: MaskedTextTokenizer): number {
  const inputs = [...session.inputNames].sort();
  const outputs = session.outputNames;
  if (inputs.length !== 2 || inputs[0] !== "attention_mask" || inputs[1] !== "input_ids" || !outputs.includes("logits")) {
    throw new ModelLoadError(
      `${files.onnxPath} has inputs [${session.inputNames.join(", ")}] and outputs [${outputs.join(", ")}]; expected inputs input_ids and attention_mask and output logits, as in an optimum fill-mask export (\`optimum-cli export onnx --task fill-mask\`).`,
    );
  }
  const logitsMeta = session.outputMetadata.find((meta) => meta.name === "logits");
  const width = logitsMeta?.isTensor ? logitsMeta.shape[2] : undefined;
  const vocabSize = typeof width === "number" ? width : files.config.vocab_size;
  if (tokenizer.vocabSize > vocabSize) {
    throw new ModelLoadError(`${files.modelDir}/tokenizer.json has ${tokenizer.vocabSize} tokens but ${files.onnxPath} predicts ${vocabSize}; the tokenizer does not belong to this model.`);
  }
  return vocabSize;
}

