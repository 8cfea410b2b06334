import type { Role } from "./roles.ts";

/** The authenticated caller of a request. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  /** Credential of the request: a dashboard session cookie or an API token. */
  via: "session" | "token";
  /** Id of the API token, when `via` is "token". */
  tokenId?: string;
}

/** Caller used when MASKFILL_AUTH=off: every request acts as an admin without an account. */
export const ANONYMOUS_ADMIN: Principal = Object.freeze({ userId: "", username: "local", role: "admin", via: "session" });
