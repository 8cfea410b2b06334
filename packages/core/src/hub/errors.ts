/**
 * Raised when the Hub returns an unexpected HTTP status or the connection fails. A retry can
 * help for network errors, 429 and 5xx responses (`retryable` is true), not for other 4xx.
 */
export class HubRequestError extends Error {
  override readonly name = "HubRequestError";

  constructor(
    message: string,
    /** HTTP status, or null when no response arrived. */
    readonly status: number | null,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** Raised on 401 or 403: the token is missing, invalid or lacks access. Retrying cannot help. */
export class HubAuthError extends Error {
  override readonly name = "HubAuthError";
  readonly retryable = false;

  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Raised on 404 for a file or a repository that does not exist. Retrying cannot help. */
export class HubNotFoundError extends Error {
  override readonly name = "HubNotFoundError";
  readonly retryable = false;

  constructor(
    message: string,
    /** Missing part: the repository or revision (X-Error-Code RepoNotFound or RevisionNotFound), or one file. */
    readonly missing: "repo" | "file",
  ) {
    super(message);
  }
}

/**
 * Raised when a downloaded file does not match the size or checksum that the Hub reported. The
 * partial file is deleted, so a retry downloads it again and can help after a corrupted transfer.
 */
export class HubIntegrityError extends Error {
  override readonly name = "HubIntegrityError";
  readonly retryable = true;
}

/** Raised when none of the known ONNX file locations exists in the repository. Retrying cannot help. */
export class OnnxExportNotFoundError extends Error {
  override readonly name = "OnnxExportNotFoundError";
  readonly retryable = false;

  constructor(
    message: string,
    /** Repository paths that were tried, in order. */
    readonly triedPaths: string[],
  ) {
    super(message);
  }
}

/** Raised when fetch options are invalid; the caller must fix them, so retrying cannot help. */
export class HubOptionsError extends Error {
  override readonly name = "HubOptionsError";
  readonly retryable = false;
}
