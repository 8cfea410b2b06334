import { AuthError, type AuthErrorCode } from "@maskfill/core/auth";
import type { MessageKey, MessageParams } from "../../i18n/translate.ts";
import { ApiError } from "../http/api-error.ts";

const MESSAGE_KEYS: Record<AuthErrorCode, MessageKey> = {
  unauthenticated: "auth.unauthenticated",
  invalid_credentials: "auth.invalidCredentials",
  forbidden: "auth.forbidden",
  invalid_input: "auth.invalidInput",
  username_taken: "auth.invalidInput",
  not_found: "auth.invalidInput",
  cross_site_request: "auth.crossSite",
};

/** A translated message for one AuthError code, with the values its placeholders need. */
export interface AuthErrorMessage {
  key: MessageKey;
  params?: MessageParams;
}

/**
 * Runs an AuthStore call and converts its AuthError into the API's JSON error. The store's
 * messages are English only, so a route passes `messages` with a translated message for each
 * code it can run into. Other codes keep the store's English message.
 */
export async function withAuthErrors<T>(action: () => Promise<T>, messages: Partial<Record<AuthErrorCode, AuthErrorMessage>> = {}): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof AuthError) {
      const translated = messages[error.code];
      const key = translated?.key ?? MESSAGE_KEYS[error.code];
      const params = translated === undefined ? { message: error.message } : (translated.params ?? {});
      throw new ApiError(error.status, error.code, key, params, { retryable: false, cause: error });
    }
    throw error;
  }
}
