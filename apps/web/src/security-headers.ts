/** Security headers of every response, pages and API alike. */
export const SECURITY_HEADERS: readonly { key: string; value: string }[] = [
  { key: "x-content-type-options", value: "nosniff" },
  { key: "x-frame-options", value: "DENY" },
  { key: "referrer-policy", value: "same-origin" },
  { key: "cross-origin-opener-policy", value: "same-origin" },
  { key: "permissions-policy", value: "camera=(), microphone=(), geolocation=()" },
];

/** Content-Security-Policy of API responses, which are JSON, CSV or event streams and never run scripts. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";
