import type { DownloadOutcome, DownloadProgress, RemoteFile } from "@maskfill/core/hub";
import type { CliIo } from "./cli-io.ts";

/** Milliseconds between two progress lines of one file. */
const PRINT_INTERVAL_MS = 1_000;

function formatBytes(bytes: number): string {
  if (bytes >= 1e9) {
    return `${(bytes / 1e9).toFixed(2)} GB`;
  }
  if (bytes >= 1e6) {
    return `${(bytes / 1e6).toFixed(1)} MB`;
  }
  if (bytes >= 1e3) {
    return `${(bytes / 1e3).toFixed(1)} kB`;
  }
  return `${bytes} B`;
}

const OUTCOME_LABELS: Record<DownloadOutcome, string> = {
  downloaded: "downloaded",
  resumed: "resumed and completed",
  already_present: "already present, checksum verified",
};

/**
 * Prints download progress on stderr: one line per second per file with percent, bytes and
 * speed (rewritten in place on a terminal), and one line when a file is done.
 */
export class ProgressPrinter {
  readonly #stderr: CliIo["stderr"];
  #lastPrintMs = 0;
  #startMs = 0;
  #startBytes = -1;
  #inPlace = false;

  constructor(stderr: CliIo["stderr"]) {
    this.#stderr = stderr;
  }

  /** Starts timing a file. */
  start(file: RemoteFile): void {
    this.#startMs = Date.now();
    this.#lastPrintMs = this.#startMs;
    this.#startBytes = -1;
    this.#stderr.write(`${file.path}: ${formatBytes(file.size)}\n`);
  }

  /** Prints a progress line unless one was printed less than a second ago. */
  update(progress: DownloadProgress): void {
    if (this.#startBytes < 0) {
      this.#startBytes = progress.receivedBytes;
    }
    const now = Date.now();
    if (now - this.#lastPrintMs < PRINT_INTERVAL_MS || progress.receivedBytes >= progress.totalBytes) {
      return;
    }
    this.#lastPrintMs = now;
    const percent = progress.totalBytes === 0 ? 100 : (100 * progress.receivedBytes) / progress.totalBytes;
    const seconds = (now - this.#startMs) / 1000;
    const speed = seconds > 0 ? (progress.receivedBytes - this.#startBytes) / seconds : 0;
    const line = `  ${percent.toFixed(1)}% (${formatBytes(progress.receivedBytes)} of ${formatBytes(progress.totalBytes)}, ${formatBytes(speed)}/s)`;
    if (this.#stderr.isTTY === true) {
      this.#stderr.write(`\r${line}\u001b[K`);
      this.#inPlace = true;
    } else {
      this.#stderr.write(`${line}\n`);
    }
  }

  /** Prints how the file ended up on disk. */
  done(file: RemoteFile, outcome: DownloadOutcome): void {
    const check = file.checksum === null ? "size checked" : `${file.checksum.algorithm} checked`;
    const label = outcome === "already_present" ? OUTCOME_LABELS[outcome] : `${OUTCOME_LABELS[outcome]}, ${check}`;
    const prefix = this.#inPlace ? "\r\u001b[K" : "";
    this.#inPlace = false;
    this.#stderr.write(`${prefix}  ${label}\n`);
  }
}
