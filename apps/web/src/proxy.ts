import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "./server/auth/session-cookie.ts";

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
  headers.set("x-content-type-options", "nosniff");
  headers.set("x-frame-options", "DENY");
  headers.set("referrer-policy", "same-origin");
  headers.set("cross-origin-opener-policy", "same-origin");
  headers.set("permissions-policy", "camera=(), microphone=(), geolocation=()");
}

/**
 * Runs before every page and API request: sets the security headers and a per-request CSP
 * nonce, and sends page requests without a session cookie to the sign-in page. Route handlers
 * check the session itself with requireRole(); this redirect only saves a useless page load.
 */
export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  const authOff = process.env.MASKFILL_AUTH?.trim().toLowerCase() === "off";

  if (pathname.startsWith("/api/")) {
    const response = NextResponse.next();
    setSecurityHeaders(response.headers);
    response.headers.set("content-security-policy", "default-src 'none'; frame-ancestors 'none'");
    return response;
  }

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
  // /api/uploads is left out because Next.js buffers the body of every request that passes
  // through a proxy and forwards only the first 10 MB (proxyClientMaxBodySize), which would truncate
  // uploads. Its route handlers still call requireRole().
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/uploads).*)"],
};
