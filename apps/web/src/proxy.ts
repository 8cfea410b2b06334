import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "./server/auth/session-cookie.ts";
import { SECURITY_HEADERS } from "./security-headers.ts";

// Pages that must load without a session.
const PUBLIC_PAGES = new Set(["/sign-in"]);

/** Content-Security-Policy of a page: scripts only from this origin or with this request's nonce. */
function contentSecurityPolicy(nonce: string): string {
  const development = process.env.NODE_ENV === "development";
  return [
    "default-src 'self'",
    // React needs eval only in development for its debugging stacks.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    // NOTE: styles allow 'unsafe-inline' because the dashboard sets style attributes (progress
    // and probability bars), which nonces cannot cover. Scripts stay nonce-only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function setSecurityHeaders(headers: Headers): void {
  for (const { key, value } of SECURITY_HEADERS) headers.set(key, value);
}

/**
 * Runs before every page request: sets the security headers and a per-request CSP nonce, and
 * sends page requests without a session cookie to the sign-in page. Route handlers check the
 * session itself with requireRole(); this redirect only saves a useless page load.
 */
export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  const authOff = process.env.MASKFILL_AUTH?.trim().toLowerCase() === "off";

  if (!authOff && !PUBLIC_PAGES.has(pathname) && request.cookies.get(SESSION_COOKIE) === undefined) {
    const target = new URL("/sign-in", request.url);
    target.searchParams.set("next", `${pathname}${search}`);
    const response = NextResponse.redirect(target);
    setSecurityHeaders(response.headers);
    return response;
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const policy = contentSecurityPolicy(nonce);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  setSecurityHeaders(response.headers);
  return response;
}

export const config = {
  // API routes are left out: next.config.ts gives them their static security headers, and their
  // handlers call requireRole(). Next.js buffers the body of every request that passes through a
  // proxy, which costs CPU on each API call and would truncate uploads over 10 MB (proxyClientMaxBodySize).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/).*)"],
};
