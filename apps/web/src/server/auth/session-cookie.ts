/** Name of the dashboard session cookie. */
export const SESSION_COOKIE = "maskfill_session";

/** Returns the session cookie's value from a request's Cookie header, or undefined. */
export function readSessionCookie(request: Request): string | undefined {
  const header = request.headers.get("cookie") ?? "";
  for (const part of header.split(";")) {
    const trimmed = part.trim();
    if (trimmed.startsWith(`${SESSION_COOKIE}=`)) return decodeURIComponent(trimmed.slice(SESSION_COOKIE.length + 1));
  }
  return undefined;
}

/**
 * Builds the Set-Cookie value of a session: HttpOnly so scripts cannot read it, SameSite=Strict so
 * other sites cannot send it, and Secure unless `secure` is false.
 */
export function sessionCookie(value: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.ceil((expiresAt.getTime() - Date.now()) / 1000));
  return [`${SESSION_COOKIE}=${encodeURIComponent(value)}`, "Path=/", "HttpOnly", "SameSite=Strict", `Max-Age=${maxAge}`, ...(secure ? ["Secure"] : [])].join("; ");
}

/** Builds the Set-Cookie value that deletes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return [`${SESSION_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=0", ...(secure ? ["Secure"] : [])].join("; ");
}
