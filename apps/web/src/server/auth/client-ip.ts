/**
 * Returns the client's IP address for per-IP rate limits: the last entry of X-Forwarded-For.
 * `next start` sets that header from the socket only when the client did not send one, and a
 * reverse proxy such as nginx (`proxy_add_x_forwarded_for`) appends the address it saw.
 */
export function clientIp(request: Request): string {
  // NOTE: without a reverse proxy in front, a client can send its own X-Forwarded-For and so
  // choose its per-IP bucket. The per-account limit still applies to it.
  const forwarded = request.headers.get("x-forwarded-for");
  const last = forwarded?.split(",").map((part) => part.trim()).filter((part) => part !== "").at(-1);
  return last ?? request.headers.get("x-real-ip") ?? "unknown";
}
