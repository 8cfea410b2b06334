import { AuthError } from "@maskfill/core/auth";
import type { MessageKey } from "../../i18n/translate.ts";
import { ApiError } from "../http/api-error.ts";

const MESSAGE_KEYS: Record<AuthError["code"], MessageKey> = {
  unauthenticated: "auth.unauthenticated",
  invalid_credentials: "auth.invalidCredentials",
  forbidden: "auth.forbidden",
  invalid_input: "auth.invalidInput",
  username_taken: "auth.invalidInput",
  not_found: "auth.invalidInput",
  cross_site_request: "auth.crossSite",
};

/** Runs an AuthStore call and converts its AuthError into the API's JSON error; the store's English message is passed through. */
export async function withAuthErrors<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof AuthError) {
      throw new ApiError(error.status, error.code, MESSAGE_KEYS[error.code], { message: error.message }, { retryable: false, cause: error });
    }
    throw error;
  }
}
