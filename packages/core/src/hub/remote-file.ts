import { parseEtagChecksum, type ExpectedChecksum } from "./checksum.ts";
import { HubNotFoundError, HubRequestError } from "./errors.ts";
import type { HubHttp } from "./hub-http.ts";

/** Metadata of one repository file, from a HEAD request on its resolve URL. */
export interface RemoteFile {
  /** Path inside the repository, e.g. "onnx/model.onnx". */
  path: string;
  /** Resolve URL the file is downloaded from. */
  url: string;
  size: number;
  /** Checksum from the ETag, or null when the ETag contains none, so only the size is checked. */
  checksum: ExpectedChecksum | null;
  /** Commit the revision resolved to (X-Repo-Commit), or null when the Hub did not send it. */
  commit: string | null;
}

/** Builds `<endpoint>/<repo>/resolve/<revision>/<path>` with each part URL-encoded. */
export function resolveUrl(endpoint: string, repo: string, revision: string, path: string): string {
  const base = endpoint.replace(/\/+$/, "");
  const repoPart = repo.split("/").map(encodeURIComponent).join("/");
  const pathPart = path.split("/").map(encodeURIComponent).join("/");
  return `${base}/${repoPart}/resolve/${encodeURIComponent(revision)}/${pathPart}`;
}

/**
 * Reads the size and checksum of a file with HEAD. For an LFS file the Hub returns a redirect whose
 * X-Linked-Size and X-Linked-Etag describe the file. For other files it returns 200 with
 * Content-Length and ETag. Returns null when the file is missing, and throws when the repository or revision is
 * missing or the request fails.
 */
export async function headRemoteFile(http: HubHttp, url: string, path: string): Promise<RemoteFile | null> {
  let response: Response;
  try {
    response = await http.send({ method: "HEAD", url });
  } catch (error) {
    if (error instanceof HubNotFoundError && error.missing === "file") {
      return null;
    }
    throw error;
  }

  // NOTE: these header rules follow the Hub as huggingface_hub reads it. The tests check them
  // against a local fake Hub only, so a change in the live Hub's headers shows up only in real use.
  const headers = response.headers;
  const sizeHeader = headers.get("x-linked-size") ?? headers.get("content-length");
  const size = sizeHeader === null ? Number.NaN : Number(sizeHeader);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new HubRequestError(
      `HEAD ${url} returned no valid file size (X-Linked-Size or Content-Length is ${JSON.stringify(sizeHeader)}), so the download cannot be checked.`,
      response.status,
      false,
    );
  }
  return {
    path,
    url,
    size,
    checksum: parseEtagChecksum(headers.get("x-linked-etag") ?? headers.get("etag")),
    commit: headers.get("x-repo-commit"),
  };
}
