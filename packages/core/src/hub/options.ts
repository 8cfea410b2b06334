import { z } from "zod";
import { HubOptionsError } from "./errors.ts";

/** Default Hub address when neither the option nor HF_ENDPOINT sets one. */
export const DEFAULT_HUB_ENDPOINT = "https://huggingface.co";

/** A Hub repository id: "name" or "owner/name", letters, digits, ".", "_" and "-". */
const REPO_ID = /^(?:[A-Za-z0-9][\w.-]*\/)?[A-Za-z0-9][\w.-]*$/;

/** Options of `fetchModel`, checked at the boundary. */
export const FetchModelOptions = z.object({
  /** Repository id, e.g. "FacebookAI/roberta-large" or "Xenova/roberta-large". */
  repo: z
    .string("repo must be a string")
    .regex(REPO_ID, "repo must be a Hub repository id such as FacebookAI/roberta-large")
    .refine((repo) => !repo.includes(".."), "repo must not contain '..'"),
  /** Branch, tag or commit; default "main". */
  revision: z.string("revision must be a string").min(1, "revision must not be empty").default("main"),
  /** ONNX variant to download: model.onnx, model_quantized.onnx or model_fp16.onnx. */
  variant: z.enum(["fp32", "quantized", "fp16"], { error: 'variant must be "fp32", "quantized" or "fp16"' }).default("fp32"),
  /** Hub base URL; default https://huggingface.co. */
  endpoint: z
    .url({ protocol: /^https?$/, error: "endpoint must be an http or https URL such as https://huggingface.co" })
    .default(DEFAULT_HUB_ENDPOINT),
  /** Access token sent as a bearer token; never logged. */
  token: z.string("token must be a string").min(1, "token must not be empty").optional(),
  /** Directory the files are written to, keeping their repository paths (onnx/ stays onnx/). */
  modelDir: z.string("modelDir must be a string").min(1, "modelDir must not be empty"),
  /** Extra attempts per file after a network error, 429 or 5xx. */
  retries: z.int("retries must be an integer").min(0, "retries must be at least 0").max(10, "retries must be at most 10").default(3),
  /** Wait before the first retry in milliseconds, doubled for each further retry. */
  retryDelayMs: z.int("retryDelayMs must be an integer").min(0, "retryDelayMs must be at least 0").default(1_000),
  /** Max milliseconds to wait for response headers, and for the next bytes of a body. */
  timeoutMs: z.int("timeoutMs must be an integer").min(1, "timeoutMs must be at least 1").default(30_000),
});
export type FetchModelOptions = z.input<typeof FetchModelOptions>;
export type ResolvedFetchModelOptions = z.output<typeof FetchModelOptions>;

/** Validates fetch options and fills in defaults; throws HubOptionsError naming each invalid option. */
export function resolveFetchModelOptions(options: FetchModelOptions): ResolvedFetchModelOptions {
  const result = FetchModelOptions.safeParse(options);
  if (!result.success) {
    const messages = result.error.issues.map((issue) => issue.message);
    throw new HubOptionsError(`Invalid model fetch options: ${messages.join("; ")}.`);
  }
  return result.data;
}
