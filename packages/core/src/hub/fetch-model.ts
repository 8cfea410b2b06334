import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Logger } from "pino";
import { MANIFEST_FILE_NAME, VARIANT_FILE_NAMES } from "../engine/model-files.ts";
import { downloadFile, type DownloadOutcome, type DownloadProgress } from "./download-file.ts";
import { HubNotFoundError, OnnxExportNotFoundError } from "./errors.ts";
import { HubHttp } from "./hub-http.ts";
import { resolveFetchModelOptions, type FetchModelOptions } from "./options.ts";
import { headRemoteFile, resolveUrl, type RemoteFile } from "./remote-file.ts";
import { withRetries } from "./retry.ts";

/** Files the engine reads next to the ONNX graph. */
export const REQUIRED_MODEL_FILES = ["config.json", "tokenizer.json", "tokenizer_config.json"] as const;

/** Files downloaded when the repository has them. */
export const OPTIONAL_MODEL_FILES = ["special_tokens_map.json"] as const;

/** Repository paths tried for a variant's ONNX file, in order: the transformers.js layout, then optimum's. */
export function onnxCandidatePaths(variant: keyof typeof VARIANT_FILE_NAMES): string[] {
  const fileName = VARIANT_FILE_NAMES[variant];
  return [`onnx/${fileName}`, fileName];
}

/** Callbacks of `fetchModel`. */
export interface FetchModelHooks {
  /** Called when a file starts, with its size, before any progress for it. */
  onFileStart?: (file: RemoteFile) => void;
  onProgress?: (progress: DownloadProgress) => void;
  onFileDone?: (file: RemoteFile, outcome: DownloadOutcome) => void;
  logger?: Logger;
}

/** Summary of a finished fetch: source, commit, directory and one entry per file. */
export interface FetchModelResult {
  repo: string;
  revision: string;
  /** Commit the revision resolved to, or null when the Hub did not send X-Repo-Commit. */
  commit: string | null;
  /** Absolute model directory, ready for the engine's `modelDir`. */
  modelDir: string;
  /** Repository path of the ONNX file, e.g. "onnx/model.onnx". */
  onnxPath: string;
  files: Array<{ path: string; size: number; outcome: DownloadOutcome; checked: "sha256" | "git-sha1" | "size" }>;
}

function noOnnxMessage(repo: string, revision: string, variant: string, tried: string[]): string {
  return [
    `${repo} at revision "${revision}" has no ONNX export for variant "${variant}": tried ${tried.join(" and ")}.`,
    `Export it yourself with \`optimum-cli export onnx --model ${repo} --task fill-mask DIR\` and pass DIR as the model directory,`,
    `or fetch a repository that contains an ONNX export (for example a transformers.js repository such as Xenova/roberta-large) with --repo.`,
  ].join(" ");
}

async function mergeManifest(modelDir: string, fields: Record<string, unknown>): Promise<void> {
  const path = join(modelDir, MANIFEST_FILE_NAME);
  let current: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(await readFile(path, "utf8"));
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
      current = parsed as Record<string, unknown>;
    }
  } catch {
    // A missing or unreadable manifest is replaced.
  }
  await writeFile(path, `${JSON.stringify({ ...current, ...fields }, null, 2)}\n`);
}

/**
 * Downloads an ONNX fill-mask model from the Hugging Face Hub into `modelDir` in a layout the
 * engine loads: the ONNX file keeps its repository path (model.onnx or onnx/model.onnx) next to
 * config.json and the tokenizer files. Every file is checked against the size and checksum from
 * the Hub, partial downloads resume, and files already present are kept. All files come from the
 * commit that the revision resolved to on the first request. Writes maskfill.json with the
 * variant as `defaultVariant`. Throws OnnxExportNotFoundError (listing the paths tried and the
 * optimum-cli route), HubNotFoundError, HubAuthError, HubIntegrityError or HubRequestError.
 */
export async function fetchModel(options: FetchModelOptions, hooks: FetchModelHooks = {}): Promise<FetchModelResult> {
  const resolved = resolveFetchModelOptions(options);
  const { repo, variant, endpoint } = resolved;
  const modelDir = resolve(resolved.modelDir);
  const http = new HubHttp({ endpoint, token: resolved.token, timeoutMs: resolved.timeoutMs });
  let revision = resolved.revision;
  let commit: string | null = null;

  const retryPolicy = { retries: resolved.retries, retryDelayMs: resolved.retryDelayMs, logger: hooks.logger };
  const head = async (path: string): Promise<RemoteFile | null> => {
    const url = resolveUrl(endpoint, repo, revision, path);
    const file = await withRetries(retryPolicy, { repo, path }, () => headRemoteFile(http, url, path));
    if (file?.commit && commit === null) {
      // Pin the commit so that a push to the branch during the download cannot mix two versions.
      commit = file.commit;
      revision = file.commit;
      file.url = resolveUrl(endpoint, repo, revision, path);
    }
    return file;
  };

  const tried = onnxCandidatePaths(variant);
  let onnx: RemoteFile | null = null;
  for (const path of tried) {
    onnx = await head(path);
    if (onnx !== null) {
      break;
    }
  }
  if (onnx === null) {
    throw new OnnxExportNotFoundError(noOnnxMessage(repo, resolved.revision, variant, tried), tried);
  }

  const plan: RemoteFile[] = [onnx];
  // Graphs over 2 GB keep their weights in an external data file next to the graph.
  const externalData = await head(`${onnx.path}_data`);
  if (externalData !== null) {
    plan.push(externalData);
  }
  for (const path of REQUIRED_MODEL_FILES) {
    const file = await head(path);
    if (file === null) {
      throw new HubNotFoundError(
        `${repo} at revision "${resolved.revision}" has ${onnx.path} but no ${path}, which the engine needs; choose a repository with the tokenizer and config files, or export the model with optimum-cli.`,
        "file",
      );
    }
    plan.push(file);
  }
  for (const path of OPTIONAL_MODEL_FILES) {
    const file = await head(path);
    if (file !== null) {
      plan.push(file);
    }
  }

  const files: FetchModelResult["files"] = [];
  for (const file of plan) {
    hooks.onFileStart?.(file);
    const outcome = await downloadFile(http, file, join(modelDir, ...file.path.split("/")), {
      ...retryPolicy,
      stallTimeoutMs: resolved.timeoutMs,
      onProgress: hooks.onProgress,
    });
    hooks.onFileDone?.(file, outcome);
    hooks.logger?.info({ repo, path: file.path, size: file.size, outcome }, "Model file ready");
    files.push({ path: file.path, size: file.size, outcome, checked: file.checksum?.algorithm ?? "size" });
  }

  await mergeManifest(modelDir, {
    defaultVariant: variant,
    source: { repo, revision: resolved.revision, commit, endpoint, onnxPath: onnx.path },
  });
  return { repo, revision: resolved.revision, commit, modelDir, onnxPath: onnx.path, files };
}
