import type { Logger } from "@maskfill/core/queue";
import { estimateTokens, TokenCounter } from "@maskfill/core/token-counter";
import type { WorkerModel } from "@maskfill/core/queue";
import type { InferenceClient } from "../inference/inference-client.ts";

export interface ModelRequest {
  /** Empty string means the bundled default model. */
  modelDir: string;
  variant?: "fp32" | "quantized" | "fp16";
}

/** Engine options that stay the same across model loads. */
export interface EngineSettings {
  executionProvider: "cpu" | "cuda";
  tokenBudget: number;
  intraOpThreads: number;
  threadSpinning: boolean;
}

/** Raised while no model is loaded; a model may load soon or another worker can run the job, so a retry helps. */
export class NoModelError extends Error {
  override readonly name = "NoModelError";
  readonly retryable = true;
}

/**
 * Loads models into the inference thread one at a time and tracks the worker's model status.
 * A failed load keeps the previous model serving (status "ready" with the error kept), or leaves
 * the worker idle with status "error" when there was none.
 */
export class ModelManager {
  status: "loading" | "ready" | "error" = "loading";
  error: string | null = null;
  model: WorkerModel | null = null;
  requested: ModelRequest | null = null;
  private chain: Promise<void> = Promise.resolve();
  private tokenCounter: TokenCounter | null = null;

  constructor(
    private readonly client: InferenceClient,
    private readonly settings: EngineSettings,
    private readonly logger: Logger,
    private readonly onChange: () => void,
  ) {}

  /**
   * Queues a load after any load in progress; resolves true when the model now serves. With
   * `fallbackFollows`, the caller loads another model when this one fails, so a failure with no
   * model serving keeps status "loading" instead of publishing "error" in between.
   */
  load(request: ModelRequest, options: { fallbackFollows?: boolean } = {}): Promise<boolean> {
    const result = this.chain.then(() => this.loadNow(request, options.fallbackFollows ?? false));
    this.chain = result.then(() => undefined);
    return result;
  }

  /** Reloads the model being served, or the last requested one when none serves. */
  reload(): Promise<boolean> {
    const request = this.model !== null ? { modelDir: this.model.modelDir, variant: this.model.variant as ModelRequest["variant"] } : this.requested;
    return this.load(request ?? { modelDir: "" });
  }

  /**
   * Returns the tokens the served model's tokenizer gives `text` (<s> and </s> included), for
   * batch planning, or an estimate when its tokenizer could not be read on this thread.
   */
  countTokens(text: string): number {
    return this.tokenCounter?.count(text) ?? estimateTokens(text);
  }

  /** Returns the served model's name and variant; throws NoModelError when none is loaded. */
  current(): { name: string; variant: string } {
    if (this.model === null) throw new NoModelError(`No model is loaded on this worker (status ${this.status}${this.error ? `: ${this.error}` : ""}).`);
    return { name: this.model.name, variant: this.model.variant };
  }

  private async loadNow(request: ModelRequest, fallbackFollows: boolean): Promise<boolean> {
    this.requested = request;
    this.status = "loading";
    this.onChange();
    this.logger.info({ modelDir: request.modelDir || "(bundled)", variant: request.variant ?? "(default)" }, "Loading model");
    try {
      const { info, warmupMs, demoModel } = await this.client.load({
        modelDir: request.modelDir,
        ...(request.variant === undefined ? {} : { variant: request.variant }),
        executionProvider: this.settings.executionProvider,
        tokenBudget: this.settings.tokenBudget,
        intraOpThreads: this.settings.intraOpThreads,
        threadSpinning: this.settings.threadSpinning,
      });
      this.model = {
        name: info.name,
        modelDir: info.modelDir,
        onnxPath: info.onnxPath,
        variant: info.variant,
        parameterCount: info.parameterCount,
        executionProvider: info.executionProvider,
        device: info.executionProvider === "cuda" ? "cuda:0" : "cpu",
        loadMs: info.loadMs,
        warmupMs: Math.round(warmupMs * 10) / 10,
        demoModel,
      };
      this.tokenCounter = await TokenCounter.load(info.modelDir).catch((error: unknown) => {
        this.logger.warn({ modelDir: info.modelDir, err: error instanceof Error ? error.message : String(error) }, "Reading the tokenizer for batch planning failed; batches are planned by estimated lengths");
        return null;
      });
      this.status = "ready";
      this.error = null;
      this.logger.info({ model: info.name, onnxPath: info.onnxPath, parameterCount: info.parameterCount, loadMs: info.loadMs, warmupMs: this.model.warmupMs, demoModel }, "Model loaded");
      return true;
    } catch (cause) {
      this.error = cause instanceof Error ? cause.message : String(cause);
      if (this.model !== null) this.status = "ready";
      else this.status = fallbackFollows ? "loading" : "error";
      this.logger.error({ modelDir: request.modelDir || "(bundled)", err: this.error, servingModel: this.model?.name ?? null }, "Model load failed");
      return false;
    } finally {
      this.onChange();
    }
  }
}
