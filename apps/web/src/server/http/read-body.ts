import type { z } from "zod";
import { ApiError } from "./api-error.ts";

/** Largest JSON request body the API accepts, in bytes. Uploads use their own limit. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/**
 * Reads a request body as UTF-8 text, stopping with 413 as soon as it exceeds `limit` bytes, so an
 * oversized body is never held whole in memory.
 */
export async function readLimitedText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limit) {
    throw new ApiError(413, "body_too_large", "errors.bodyTooLarge", { limit: `${limit} B` });
  }
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const decoder = new TextDecoder("utf-8");
  let received = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      await reader.cancel();
      throw new ApiError(413, "body_too_large", "errors.bodyTooLarge", { limit: `${limit} B` });
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/** Parses a JSON body (at most MAX_JSON_BODY_BYTES) with a zod schema; an empty body counts as `{}`. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const text = await readLimitedText(request, MAX_JSON_BODY_BYTES);
  let value: unknown = {};
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ApiError(400, "invalid_json", "errors.invalidJson", {}, { retryable: false, cause: error });
    }
  }
  return schema.parse(value);
}

/** Parses a URL's query string with a zod schema; a repeated key keeps its first value. */
export function readQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const params = new URL(request.url).searchParams;
  const record: Record<string, string> = {};
  for (const [key, value] of params) {
    if (!(key in record)) record[key] = value;
  }
  return schema.parse(record);
}
