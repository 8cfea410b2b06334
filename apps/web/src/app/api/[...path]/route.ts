import { ApiError } from "../../../server/http/api-error.ts";
import { route } from "../../../server/http/route.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Maximum length, in characters, of the path that the error message repeats back. */
const MAX_ECHOED_PATH = 200;

/**
 * Any path under /api that no other route serves gets 404 with the JSON error shape, instead of
 * the dashboard's HTML "not found" page. Next.js tries this catch-all only after every more
 * specific route.
 */
const notFound = route<unknown>(async (request) => {
  const path = new URL(request.url).pathname;
  const echoed = path.length > MAX_ECHOED_PATH ? `${path.slice(0, MAX_ECHOED_PATH)}...` : path;
  throw new ApiError(404, "not_found", "errors.apiNotFound", { method: request.method, path: echoed }, { retryable: false });
});

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
