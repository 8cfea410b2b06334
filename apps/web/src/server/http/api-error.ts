import type { MessageKey, MessageParams, Translator } from "../../i18n/translate.ts";

/**
 * An error a route handler returns to the client as JSON. The message is a catalog key so it is
 * translated into the request's language; `retryable` states whether trying again can help.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageKey: MessageKey,
    readonly params: MessageParams = {},
    readonly options: { field?: string; retryable?: boolean; cause?: unknown; retryAfterSeconds?: number; headers?: Record<string, string> } = {},
  ) {
    super(`${code}: ${messageKey}`, { cause: options.cause });
  }

  get retryable(): boolean {
    return this.options.retryable ?? this.status >= 500;
  }

  /** Translates the message; a subclass whose message has parts that need their own translation overrides it. */
  translate(t: Translator): string {
    return t(this.messageKey, this.params);
  }
}
