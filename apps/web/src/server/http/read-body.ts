import type { z } from "zod";
import { ApiError } from "./api-error.ts";
import { assertCorpusText } from "./text-rules.ts";

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
  // `fatal` rejects invalid bytes instead of turning them into U+FFFD, as the corpus parser does.
  const decoder = new TextDecoder("utf-8", { fatal: true });
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
    text += decodeChunk(decoder, value);
  }
  return text + decodeChunk(decoder);
}

function decodeChunk(decoder: TextDecoder, chunk?: Uint8Array): string {
  try {
    return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
  } catch (error) {
    throw new ApiError(400, "invalid_utf8", "errors.invalidUtf8", {}, { field: "body", retryable: false, cause: error });
  }
}

/** Media type of a Content-Type header without parameters, lower-cased; "none" when absent. */
export function mediaTypeOf(request: Request): string {
  const header = request.headers.get("content-type");
  if (header === null || header.trim() === "") return "none";
  return (header.split(";")[0] ?? "").trim().toLowerCase();
}

/** Value of the Content-Type header's charset parameter, lower-cased and unquoted; undefined when absent. */
export function charsetOf(request: Request): string | undefined {
  const parameters = (request.headers.get("content-type") ?? "").split(";").slice(1);
  for (const parameter of parameters) {
    const [name, value] = parameter.split("=", 2);
    if (name?.trim().toLowerCase() !== "charset" || value === undefined) continue;
    return value.trim().replace(/^"(.*)"$/, "$1").toLowerCase();
  }
  return undefined;
}

/**
 * Throws 415 unless a request that has a body declares `application/json`, with no charset or
 * UTF-8. JSON exchanged between systems must be UTF-8 (RFC 8259, section 8.1), and the body is
 * decoded as UTF-8 whatever it declares.
 */
function assertJsonContentType(request: Request, text: string): void {
  if (text.trim() === "") return;
  const received = mediaTypeOf(request);
  if (received !== "application/json") {
    throw new ApiError(415, "unsupported_media_type", "errors.unsupportedMediaType", { expected: "application/json", received }, { field: "content-type", retryable: false });
  }
  const charset = charsetOf(request);
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw new ApiError(415, "unsupported_charset", "errors.unsupportedCharset", { charset }, { field: "content-type", retryable: false });
  }
}

/** Returns JSON.parse's description of a syntax error without its final period, e.g. "Unexpected token ... at position 1". */
function syntaxErrorDetail(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, "");
}

/**
 * Parses a JSON body (at most MAX_JSON_BODY_BYTES) with a zod schema; an empty body counts as `{}`.
 * A body that is not sent as UTF-8 `application/json` gets 415, and one that is not UTF-8 or not
 * valid JSON gets 400.
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const text = await readLimitedText(request, MAX_JSON_BODY_BYTES);
  assertJsonContentType(request, text);
  let value: unknown = {};
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ApiError(400, "invalid_json", "errors.invalidJson", { detail: syntaxErrorDetail(error) }, { field: "body", retryable: false, cause: error });
    }
  }
  return schema.parse(value);
}

/**
 * Parses a URL's query string with a zod schema; a repeated key keeps its first value. Every value
 * must be valid UTF-8 once percent-decoded (400 `invalid_utf8`), because URLSearchParams would turn
 * the bad bytes into U+FFFD and a search would look for that. Every value must also pass the corpus
 * text rules (400 `control_character`), because Postgres rejects NUL in text and a route may already
 * have started streaming when it queries. Both errors name the parameter. Keys in
 * `ownCharacterRules` skip the text rules because their schema applies stricter ones with its own
 * message (file names).
 */
export function readQuery<S extends z.ZodType>(request: Request, schema: S, ownCharacterRules: readonly string[] = []): z.output<S> {
  const url = new URL(request.url);
  assertQueryUtf8(url.search);
  const record: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key in record) continue;
    if (!ownCharacterRules.includes(key)) assertCorpusText(value, key);
    record[key] = value;
  }
  return schema.parse(record);
}

/** Throws 400 `invalid_utf8` naming the first query parameter whose percent-decoded bytes are not UTF-8. */
function assertQueryUtf8(search: string): void {
  for (const pair of search.replace(/^\?/, "").split("&")) {
    const [rawKey = "", rawValue = ""] = pair.split("=", 2);
    if (isUtf8Component(rawKey) && isUtf8Component(rawValue)) continue;
    const field = new URLSearchParams(`${rawKey}=`).keys().next().value ?? rawKey;
    throw new ApiError(400, "invalid_utf8", "errors.queryInvalidUtf8", { field }, { field, retryable: false });
  }
}

/**
 * Returns whether a form-encoded component decodes to valid UTF-8. decodeURIComponent rejects
 * both invalid UTF-8 and a "%" without two hex digits, which URLSearchParams keeps as it is, so
 * such a "%" is escaped first.
 */
function isUtf8Component(raw: string): boolean {
  try {
    decodeURIComponent(raw.replace(/%(?![0-9a-fA-F]{2})/g, "%25"));
    return true;
  } catch {
    return false;
  }
}
