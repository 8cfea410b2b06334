import { defaultModelDir, Engine, type ExecutionProviderName, type ModelVariant } from "@maskfill/core";
import { choiceOption, integerOption } from "./cli-options.ts";

/** Command-line values that choose the model and configure onnxruntime. */
export interface EngineArgValues {
  model?: string | undefined;
  threads?: string | undefined;
  "token-budget"?: string | undefined;
  "execution-provider"?: string | undefined;
}

/**
 * Loads the engine from the command-line values. `variantOption` is the option that selects the
 * ONNX file and its value, because `fill` calls it --variant and `score` calls it --model-variant.
 * Throws UsageError for an invalid variant, execution provider, thread count or token budget.
 */
export async function loadEngineFromArgs(values: EngineArgValues, variantOption: { name: string; value: string | undefined }, env: NodeJS.ProcessEnv): Promise<Engine> {
  const variant = choiceOption<ModelVariant>(variantOption.name, variantOption.value, ["fp32", "quantized", "fp16"]);
  const executionProvider = choiceOption<ExecutionProviderName>("execution-provider", values["execution-provider"], ["cpu", "cuda"]);
  const threads = integerOption("threads", values.threads, 0);
  const tokenBudget = integerOption("token-budget", values["token-budget"], 1);
  return Engine.load({
    modelDir: values.model ?? defaultModelDir(env),
    ...(variant === undefined ? {} : { variant }),
    ...(executionProvider === undefined ? {} : { executionProvider }),
    ...(threads === undefined ? {} : { intraOpThreads: threads }),
    ...(tokenBudget === undefined ? {} : { tokenBudget }),
  });
}
