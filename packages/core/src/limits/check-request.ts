import { findMasks, TYPED_MASK_SPELLING } from "../engine/mask-syntax.ts";
import { LimitExceededError } from "./limit-error.ts";
import type { LimitsConfig } from "./limits-config.ts";

// RoBERTa's mask token; findMasks also accepts "[MASK]" in any letter case.
const ROBERTA_MASK = "<mask>";

/** Throws LimitExceededError when a sentence is longer than maxSentenceChars or has more than maxMasks masks. */
export function checkSentence(text: string, limits: Pick<LimitsConfig, "maxSentenceChars" | "maxMasks">): void {
  if (text.length > limits.maxSentenceChars) {
    throw new LimitExceededError(
      "sentence_too_long",
      `sentence has ${text.length} characters, more than the limit of ${limits.maxSentenceChars}; shorten it or split it into several sentences`,
      limits.maxSentenceChars,
      text.length,
    );
  }
  const masks = findMasks(text, ROBERTA_MASK, { lstrip: false, rstrip: false }).length;
  if (masks > limits.maxMasks) {
    throw new LimitExceededError(
      "too_many_masks",
      `sentence has ${masks} masks (${ROBERTA_MASK} or ${TYPED_MASK_SPELLING}), more than the limit of ${limits.maxMasks}; remove some masks`,
      limits.maxMasks,
      masks,
    );
  }
}

/** Throws LimitExceededError when topK exceeds maxTopK or there are more targets than maxTargets. */
export function checkFillOptions(options: { topK?: number | undefined; targets?: readonly string[] | undefined }, limits: Pick<LimitsConfig, "maxTopK" | "maxTargets">): void {
  if (options.topK !== undefined && options.topK > limits.maxTopK) {
    throw new LimitExceededError("top_k_too_large", `topK is ${options.topK}, more than the limit of ${limits.maxTopK}; ask for fewer predictions`, limits.maxTopK, options.topK);
  }
  const targets = options.targets?.length ?? 0;
  if (targets > limits.maxTargets) {
    throw new LimitExceededError("too_many_targets", `the request lists ${targets} targets, more than the limit of ${limits.maxTargets}; split it into several requests`, limits.maxTargets, targets);
  }
}

/** Throws LimitExceededError when an upload of `bytes` exceeds `maxBytes`. */
export function checkUploadSize(bytes: number, maxBytes: number): void {
  if (bytes > maxBytes) {
    throw new LimitExceededError("upload_too_large", `the upload has ${bytes} bytes, more than the limit of ${maxBytes}; split the corpus into smaller files`, maxBytes, bytes);
  }
}

/** Throws LimitExceededError when a corpus has more than maxCorpusRows rows. */
export function checkCorpusRows(rows: number, limits: Pick<LimitsConfig, "maxCorpusRows">): void {
  if (rows > limits.maxCorpusRows) {
    throw new LimitExceededError("too_many_rows", `the corpus has ${rows} rows, more than the limit of ${limits.maxCorpusRows}; split it into smaller files`, limits.maxCorpusRows, rows);
  }
}

/** Throws LimitExceededError (retry after 30 s) when a user already has maxConcurrentJobs queued or running jobs. */
export function checkConcurrentJobs(activeJobs: number, limits: Pick<LimitsConfig, "maxConcurrentJobs">): void {
  if (activeJobs >= limits.maxConcurrentJobs) {
    throw new LimitExceededError(
      "too_many_concurrent_jobs",
      `you already have ${activeJobs} queued or running jobs, the limit is ${limits.maxConcurrentJobs}; wait for one to finish or cancel one`,
      limits.maxConcurrentJobs,
      activeJobs,
      30,
    );
  }
}

/** Throws LimitExceededError(queue_busy, retry after 5 s) when more than maxQueueDepth jobs are waiting. */
export function checkQueueDepth(waiting: number, limits: Pick<LimitsConfig, "maxQueueDepth">): void {
  if (waiting > limits.maxQueueDepth) {
    throw new LimitExceededError(
      "queue_busy",
      `the service is busy: ${waiting} requests are waiting, more than the limit of ${limits.maxQueueDepth}; retry in a few seconds`,
      limits.maxQueueDepth,
      waiting,
      5,
    );
  }
}
