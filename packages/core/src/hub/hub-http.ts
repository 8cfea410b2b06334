import { HubAuthError, HubNotFoundError, HubRequestError } from "./errors.ts";

const MAX_REDIRECTS = 5;

export interface HubHttpOptions {
  /** Base URL of the Hub, e.g. "https://huggingface.co". */
  endpoint: string;
  /** Access token sent as a bearer token to the endpoint's origin only; never logged. */
  token: string | undefined;
  /** Max milliseconds to wait for response headers. */
  timeoutMs: number;
}

export interface HubRequest {
  method: "GET" | "HEAD";
  url: string;
  headers?: Record<string, string>;
  /** Aborts the request, including a body that is still being read. */
  signal?: AbortSignal;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Describes a failed fetch() call without its stack: "connect ECONNREFUSED 127.0.0.1:9". */
export function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message}${cause}`;
  }
  return String(error);
}

/**
 * Sends requests to the Hub. It follows redirects itself so that the token only reaches the
 * endpoint's own origin (LFS files redirect to a CDN), and turns error statuses into HubAuthError,
 * HubNotFoundError or HubRequestError.
 */
export class HubHttp {
  readonly #origin: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: HubHttpOptions) {
    this.#origin = new URL(options.endpoint).origin;
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs;
  }

  /** Whether requests carry a token, for messages that suggest setting one. */
  get hasToken(): boolean {
    return this.#token !== undefined;
  }

  /**
   * Sends `request` and returns the first response that is not a redirect to follow. A HEAD stops
   * at a redirect that carries X-Linked-Etag or X-Linked-Size (an LFS file's metadata) and at
   * redirects to another origin. Throws for statuses of 400 and above.
   */
  async send(request: HubRequest): Promise<Response> {
    let url = request.url;
    for (let redirects = 0; ; redirects += 1) {
      const response = await this.#fetchOnce(url, request);
      if (!isRedirect(response.status)) {
        if (response.status >= 400) {
          await response.body?.cancel();
          throw this.#statusError(response, request.url);
        }
        return response;
      }

      const location = response.headers.get("location");
      if (location === null) {
        throw new HubRequestError(`${request.url} redirected (HTTP ${response.status}) without a Location header.`, response.status, true);
      }
      const target = new URL(location, url);
      const linked = response.headers.has("x-linked-etag") || response.headers.has("x-linked-size");
      if (request.method === "HEAD" && (linked || target.origin !== this.#origin)) {
        return response;
      }
      if (redirects >= MAX_REDIRECTS) {
        throw new HubRequestError(`${request.url} redirected more than ${MAX_REDIRECTS} times.`, response.status, false);
      }
      url = target.href;
    }
  }

  async #fetchOnce(url: string, request: HubRequest): Promise<Response> {
    const headers: Record<string, string> = { "accept-encoding": "identity", ...request.headers };
    if (this.#token !== undefined && new URL(url).origin === this.#origin) {
      headers.authorization = `Bearer ${this.#token}`;
    }
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = request.signal === undefined ? timeout : AbortSignal.any([timeout, request.signal]);
    try {
      return await fetch(url, { method: request.method, headers, redirect: "manual", signal });
    } catch (error) {
      if (timeout.aborted) {
        throw new HubRequestError(`${request.method} ${url} timed out after ${this.#timeoutMs} ms without a response.`, null, true);
      }
      throw new HubRequestError(
        `${request.method} ${url} failed: ${describeNetworkError(error)}; check the network connection and the endpoint.`,
        null,
        true,
      );
    }
  }

  #statusError(response: Response, url: string): Error {
    const { status } = response;
    const errorCode = response.headers.get("x-error-code");
    if (status === 401) {
      const advice = this.#token === undefined
        ? "the repository is private or gated, or does not exist; set HF_TOKEN to an access token that can read it"
        : "the token in HF_TOKEN was rejected or cannot read this repository; check the token and the repository name";
      return new HubAuthError(`${url} returned HTTP 401 (unauthorized): ${advice}.`, status);
    }
    if (status === 403) {
      return new HubAuthError(
        `${url} returned HTTP 403 (forbidden): the repository is gated; accept its terms on the model page with the account of HF_TOKEN.`,
        status,
      );
    }
    if (status === 404) {
      if (errorCode === "RepoNotFound" || errorCode === "RevisionNotFound") {
        const missing = errorCode === "RepoNotFound" ? "the repository does not exist" : "the revision does not exist";
        return new HubNotFoundError(`${url} returned HTTP 404: ${missing}; check the repository id and --revision.`, "repo");
      }
      return new HubNotFoundError(`${url} returned HTTP 404: the file does not exist at this revision.`, "file");
    }
    const retryable = status === 429 || status >= 500;
    return new HubRequestError(`${url} returned HTTP ${status}${retryable ? "; retry later" : ""}.`, status, retryable);
  }
}
