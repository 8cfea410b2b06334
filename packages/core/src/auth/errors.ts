/** Machine-readable reasons for AuthError. */
export type AuthErrorCode =
  | "unauthenticated"
  | "invalid_credentials"
  | "forbidden"
  | "invalid_input"
  | "username_taken"
  | "not_found"
  | "cross_site_request";

const STATUS: Record<AuthErrorCode, number> = {
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  invalid_input: 400,
  username_taken: 409,
  not_found: 404,
  cross_site_request: 403,
};

/**
 * Raised when a request lacks valid credentials or rights, or an admin action has invalid input.
 * Retrying the same request never helps, so `retryable` is always false.
 */
export class AuthError extends Error {
  override readonly name = "AuthError";
  readonly retryable = false;

  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** HTTP status that matches the code: 400, 401, 403, 404 or 409. */
  get status(): number {
    return STATUS[this.code];
  }
}
