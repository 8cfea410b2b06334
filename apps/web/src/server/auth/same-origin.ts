import { ApiError } from "../http/api-error.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Rejects a state-changing request that a browser sent from another site (cross-site request
 * forgery). Browsers send Origin on every cross-origin POST and Sec-Fetch-Site on every request,
 * so a request is rejected when either names another origin. Requests without both headers come
 * from scripts, which cannot carry a victim's cookies. Requests with a bearer token are exempt
 * because browsers never add that header on their own.
 */
export function assertSameOrigin(request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  if (request.headers.get("authorization")?.toLowerCase().startsWith("bearer ") === true) return;
  const fetchSite = request.headers.get("sec-fetch-site");
  const origin = request.headers.get("origin");
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  const crossSite = (fetchSite !== null && fetchSite !== "same-origin" && fetchSite !== "none") || (origin !== null && !sameHost(origin, host));
  if (crossSite) {
    throw new ApiError(403, "cross_site_request", "auth.crossSite", { origin: origin ?? fetchSite ?? "unknown" }, { retryable: false });
  }
}

function sameHost(origin: string, host: string | null): boolean {
  if (host === null || !URL.canParse(origin)) return false;
  return new URL(origin).host === host;
}
