import { mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MaskedTextTokenizer } from "../../src/engine/index.ts";

export const FIXTURES = fileURLToPath(new URL("../fixtures", import.meta.url));
export const TINY_DIR = join(FIXTURES, "tiny-roberta");
export const MINI_FIXTURE_DIR = join(FIXTURES, "mini-roberta");
export const ROBERTA_TOKENIZER_DIR = join(FIXTURES, "roberta-tokenizer");
export const BUNDLED_MINI_DIR = fileURLToPath(new URL("../../../../models/mini-roberta", import.meta.url));

/** One reference prediction of the Hugging Face fill-mask pipeline. */
export interface GoldenPrediction {
  token: number;
  tokenStr: string;
  score: number;
  sequence: string;
}

/** One line of a golden fill-mask.jsonl file. */
export interface GoldenFillMask {
  text: string;
  topK: number;
  masks: GoldenPrediction[][];
}

/** Builds the tokenizer of a directory that has tokenizer.json and tokenizer_config.json. */
export async function loadTokenizer(dir: string): Promise<MaskedTextTokenizer> {
  const tokenizerJson = JSON.parse(await readFile(join(dir, "tokenizer.json"), "utf8")) as Record<string, unknown>;
  const tokenizerConfig = JSON.parse(await readFile(join(dir, "tokenizer_config.json"), "utf8")) as Record<string, unknown>;
  return new MaskedTextTokenizer(tokenizerJson, tokenizerConfig, dir);
}

/** Reads a JSON-lines file into objects. */
export async function readJsonLines<T>(path: string): Promise<T[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);
}

/**
 * Creates a temporary model directory whose files are symlinks (name -> target path); returns
 * the directory and a cleanup function.
 */
export async function makeModelDir(files: Record<string, string>): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "maskfill-engine-"));
  for (const [name, target] of Object.entries(files)) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await symlink(target, path);
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Model files of the tiny fixture keyed by their names, for makeModelDir. */
export function tinyFiles(onnxName = "model.onnx"): Record<string, string> {
  return {
    [onnxName]: join(TINY_DIR, "model.onnx"),
    "tokenizer.json": join(TINY_DIR, "tokenizer.json"),
    "tokenizer_config.json": join(TINY_DIR, "tokenizer_config.json"),
    "config.json": join(TINY_DIR, "config.json"),
  };
}

/** Deterministic Fisher-Yates shuffle (mulberry32 generator). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = result.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}
