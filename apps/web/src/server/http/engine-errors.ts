import type { MessageKey, MessageParams } from "../../i18n/translate.ts";
import { ApiError } from "./api-error.ts";

/** Catalog keys of the engine error codes that a sentence can trigger after the API's own checks. */
const ENGINE_MESSAGE_KEYS: Record<string, MessageKey> = {
  invalid_targets: "errors.engineInvalidTargets",
  too_many_masks: "errors.engineTooManyMasks",
  masks_exceed_window: "errors.engineMasksExceedWindow",
};

/**
 * Converts an engine rejection of a fill-mask request into a 422 ApiError. A code with a catalog
 * entry gets a message in the request's language. Other codes keep the engine's English message
 * inside the translated "The model rejected the sentence" sentence. Target errors name `targets`.
 */
export function engineRejection(error: { code: string; message: string }, targets: readonly string[] | undefined): ApiError {
  const field = error.code === "invalid_targets" ? "targets" : "text";
  const key = ENGINE_MESSAGE_KEYS[error.code];
  const params: MessageParams = key === undefined ? { code: error.code, message: error.message } : { targets: (targets ?? []).map((target) => JSON.stringify(target)).join(", ") };
  return new ApiError(422, error.code, key ?? "errors.prediction", params, { field, retryable: false });
}
