import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One file of a fake repository. LFS files redirect to a CDN path and report their sha256. */
export interface FakeFile {
  content: Buffer;
  lfs?: boolean;
  /** ETag sent instead of the real checksum, to simulate a corrupted transfer. */
  etag?: string;
  /** Size reported instead of the real one. */
  reportedSize?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  range: string | undefined;
  authorization: string | undefined;
}

export interface FakeHub {
  endpoint: string;
  commit: string;
  requests: RecordedRequest[];
  /** Makes the next `times` GETs of `path` send `bytes` bytes and then drop the connection. */
  interrupt(path: string, bytes: number, times: number): void;
  /** Responds to the next `times` requests of any kind with `status`. */
  failNext(status: number, times: number): void;
  close(): Promise<void>;
}

export interface FakeHubOptions {
  repos: Record<string, Record<string, FakeFile>>;
  /** When set, every resolve request must carry "Authorization: Bearer <token>". */
  token?: string;
}

export const FAKE_COMMIT = "0123456789abcdef0123456789abcdef01234567";

function gitBlobSha1(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

function sha256(content: Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

/**
 * Starts an HTTP server on 127.0.0.1 (random port) that serves files like the Hub's
 * `<repo>/resolve/<revision>/<path>` endpoint: HEAD and GET, ETag and size headers, LFS
 * redirects, X-Repo-Commit, Range requests, 401 without the token and 404 with X-Error-Code.
 */
export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const requests: RecordedRequest[] = [];
  const interruptions = new Map<string, { bytes: number; times: number }>();
  const blobs = new Map<string, FakeFile>();
  const failures = { status: 0, times: 0 };

  function sendContent(request: IncomingMessage, response: ServerResponse, file: FakeFile, key: string): void {
    const size = file.content.length;
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? "");
    let body = file.content;
    if (range !== null) {
      const start = Number(range[1]);
      body = file.content.subarray(start);
      response.statusCode = 206;
      response.setHeader("content-range", `bytes ${start}-${size - 1}/${size}`);
    }
    response.setHeader("accept-ranges", "bytes");
    response.setHeader("content-length", String(body.length));
    if (request.method === "HEAD") {
      response.end();
      return;
    }

    const interruption = interruptions.get(key);
    if (interruption !== undefined && interruption.times > 0) {
      interruption.times -= 1;
      response.flushHeaders();
      response.write(body.subarray(0, interruption.bytes), () => {
        setImmediate(() => response.socket?.destroy());
      });
      return;
    }
    response.end(body);
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const path = decodeURIComponent(url.pathname);
    requests.push({
      method: request.method ?? "",
      path,
      range: request.headers.range,
      authorization: request.headers.authorization,
    });

    if (failures.times > 0) {
      failures.times -= 1;
      response.statusCode = failures.status;
      response.end();
      return;
    }

    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(path);
    if (cdn !== null) {
      const blob = blobs.get(cdn[1] ?? "");
      if (blob === undefined) {
        response.statusCode = 404;
        response.end();
        return;
      }
      sendContent(request, response, blob, path);
      return;
    }

    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (resolve === null) {
      response.statusCode = 404;
      response.end();
      return;
    }
    const [, repoId = "", revision = "", filePath = ""] = resolve;
    if (options.token !== undefined && request.headers.authorization !== `Bearer ${options.token}`) {
      response.statusCode = 401;
      response.setHeader("x-error-code", "RepoNotFound");
      response.end("Invalid credentials");
      return;
    }
    const repo = options.repos[repoId];
    if (repo === undefined) {
      response.statusCode = 404;
      response.setHeader("x-error-code", "RepoNotFound");
      response.end();
      return;
    }
    if (revision !== "main" && revision !== FAKE_COMMIT) {
      response.statusCode = 404;
      response.setHeader("x-error-code", "RevisionNotFound");
      response.end();
      return;
    }
    const file = repo[filePath];
    response.setHeader("x-repo-commit", FAKE_COMMIT);
    if (file === undefined) {
      response.statusCode = 404;
      response.setHeader("x-error-code", "EntryNotFound");
      response.end();
      return;
    }

    const size = String(file.reportedSize ?? file.content.length);
    if (file.lfs === true) {
      const hash = sha256(file.content);
      blobs.set(hash, file);
      response.statusCode = 302;
      response.setHeader("location", `/cdn/${hash}`);
      response.setHeader("x-linked-etag", `"${file.etag ?? hash}"`);
      response.setHeader("x-linked-size", size);
      response.setHeader("etag", `"${file.etag ?? hash}"`);
      response.end();
      return;
    }
    response.setHeader("etag", `"${file.etag ?? gitBlobSha1(file.content)}"`);
    if (file.reportedSize !== undefined && request.method === "HEAD") {
      response.setHeader("content-length", size);
      response.end();
      return;
    }
    sendContent(request, response, file, filePath);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    commit: FAKE_COMMIT,
    requests,
    interrupt(path, bytes, times) {
      const file = Object.values(options.repos).map((repo) => repo[path]).find((candidate) => candidate !== undefined);
      const key = file?.lfs === true ? `/cdn/${sha256(file.content)}` : path;
      interruptions.set(key, { bytes, times });
    },
    failNext(status, times) {
      failures.status = status;
      failures.times = times;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Deterministic pseudo-random bytes, so that a truncated or shifted download cannot pass by chance. */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}
