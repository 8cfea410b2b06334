import { readFile, readdir, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { z } from "zod";
import { ModelLoadError } from "./errors.ts";
import type { ModelVariant } from "./types.ts";

/** ONNX file name of each variant, as optimum and transformers.js name them. */
export const VARIANT_FILE_NAMES: Record<ModelVariant, string> = {
  fp32: "model.onnx",
  quantized: "model_quantized.onnx",
  fp16: "model_fp16.onnx",
};

/** Optional manifest in a model directory that sets the variant used when none is requested. */
export const MANIFEST_FILE_NAME = "maskfill.json";

const manifestSchema = z.object({
  defaultVariant: z.enum(["fp32", "quantized", "fp16"]).optional(),
});

const configSchema = z.looseObject({
  _name_or_path: z.string().optional(),
  model_type: z.string().optional(),
  vocab_size: z.number().int().positive(),
  max_position_embeddings: z.number().int().positive(),
  pad_token_id: z.number().int().nonnegative().optional(),
});

const addedTokenSchema = z.union([z.string(), z.looseObject({ content: z.string() })]);

const tokenizerConfigSchema = z.looseObject({
  mask_token: addedTokenSchema.optional(),
  model_max_length: z.number().optional(),
  clean_up_tokenization_spaces: z.boolean().optional(),
});

/** The parts of config.json that the engine reads. */
export type ModelConfig = z.infer<typeof configSchema>;

/** The parts of tokenizer_config.json that the engine reads. */
export type TokenizerConfig = z.infer<typeof tokenizerConfigSchema>;

/** Paths and parsed JSON of a model directory, checked to exist. */
export interface ModelFiles {
  modelDir: string;
  onnxPath: string;
  variant: ModelVariant;
  name: string;
  config: ModelConfig;
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: TokenizerConfig;
}

/**
 * Resolves and reads the files of a model directory in the optimum layout (model.onnx next to
 * tokenizer.json) or the transformers.js layout (onnx/model.onnx). Without `variant`, the
 * directory's maskfill.json `defaultVariant` is used, then fp32. Throws ModelLoadError naming
 * the path and what was expected.
 */
export async function readModelFiles(modelDir: string, variant: ModelVariant | undefined): Promise<ModelFiles> {
  const dir = resolve(modelDir);
  await requireDirectory(dir);

  const chosenVariant = variant ?? (await readManifestVariant(dir)) ?? "fp32";
  const onnxPath = await findOnnxFile(dir, chosenVariant);

  const config = parseWith(configSchema, await readJson(join(dir, "config.json")), join(dir, "config.json"));
  const tokenizerJson = parseWith(
    z.looseObject({ model: z.looseObject({}), added_tokens: z.array(z.looseObject({})) }),
    await readJson(join(dir, "tokenizer.json")),
    join(dir, "tokenizer.json"),
  );
  const tokenizerConfigPath = join(dir, "tokenizer_config.json");
  const tokenizerConfig = parseWith(tokenizerConfigSchema, await readJson(tokenizerConfigPath), tokenizerConfigPath);

  return {
    modelDir: dir,
    onnxPath,
    variant: chosenVariant,
    name: config._name_or_path?.trim() || basename(dir),
    config,
    tokenizerJson,
    tokenizerConfig,
  };
}

async function requireDirectory(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (info === null) {
    throw new ModelLoadError(`Model directory not found: ${dir}. Pass a directory that contains model.onnx (or onnx/model.onnx), tokenizer.json, tokenizer_config.json and config.json.`);
  }
  if (!info.isDirectory()) {
    throw new ModelLoadError(`Model path is not a directory: ${dir}. Pass the directory that contains the model files, not a file.`);
  }
}

async function readManifestVariant(dir: string): Promise<ModelVariant | undefined> {
  const path = join(dir, MANIFEST_FILE_NAME);
  const exists = await stat(path).then(() => true, () => false);
  if (!exists) {
    return undefined;
  }
  return parseWith(manifestSchema, await readJson(path), path).defaultVariant;
}

async function findOnnxFile(dir: string, variant: ModelVariant): Promise<string> {
  const fileName = VARIANT_FILE_NAMES[variant];
  const candidates = [join(dir, fileName), join(dir, "onnx", fileName)];
  for (const candidate of candidates) {
    const info = await stat(candidate).catch(() => null);
    if (info?.isFile()) {
      return candidate;
    }
  }
  const available = [...(await listOnnxFiles(dir)), ...(await listOnnxFiles(join(dir, "onnx"))).map((f) => `onnx/${f}`)];
  const hint = available.length > 0 ? `Files present: ${available.join(", ")}; choose the variant that matches one of them.` : "The directory contains no .onnx file; export the model with optimum or transformers.js first.";
  throw new ModelLoadError(`Model file for variant "${variant}" not found: expected ${candidates.join(" or ")}. ${hint}`);
}

async function listOnnxFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.filter((entry) => entry.endsWith(".onnx")).sort();
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new ModelLoadError(`Cannot read ${path}: ${reason}. A model directory needs tokenizer.json, tokenizer_config.json and config.json next to the ONNX file.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ModelLoadError(`Invalid JSON in ${path}: ${(error as Error).message}. Restore the file from the model export.`);
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
    throw new ModelLoadError(`Unexpected content in ${path}: ${issues}. Restore the file from the model export.`);
  }
  return result.data;
}

/**
 * Usable positions per sequence. RoBERTa-style models number positions from pad_token_id + 1,
 * so 514 position embeddings give 512 usable positions; tokenizer_config's model_max_length
 * caps it further when smaller.
 */
export function maxSequenceLength(files: ModelFiles): number {
  const { config, tokenizerConfig } = files;
  const offset = ["roberta", "xlm-roberta", "camembert", "longformer"].includes(config.model_type ?? "roberta") ? (config.pad_token_id ?? 1) + 1 : 0;
  const fromPositions = config.max_position_embeddings - offset;
  const fromTokenizer = tokenizerConfig.model_max_length;
  return fromTokenizer !== undefined && fromTokenizer > 0 && fromTokenizer < fromPositions ? fromTokenizer : fromPositions;
}
