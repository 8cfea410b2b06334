import type { NextConfig } from "next";
import { API_CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from "./src/security-headers.ts";

const nextConfig: NextConfig = {
  // @maskfill/core exports TypeScript sources, so Next.js compiles them with the app.
  transpilePackages: ["@maskfill/core"],
  // Native or connection-holding packages stay plain Node.js requires on the server.
  serverExternalPackages: [
    "onnxruntime-node",
    "@prisma/client",
    "@prisma/adapter-pg",
    "pg",
    "bullmq",
    "ioredis",
    "pino",
    "csv-parse",
  ],
  // The end-to-end tests build into a folder of their own per test run, so that two runs on one
  // machine (or a developer's `next build`) never write the same build folder at once.
  distDir: process.env["MASKFILL_NEXT_DIST_DIR"] || ".next",
  poweredByHeader: false,
  // Pages get these headers from src/proxy.ts, together with their per-request nonce.
  headers() {
    return Promise.resolve([{ source: "/api/:path*", headers: [...SECURITY_HEADERS, { key: "content-security-policy", value: API_CONTENT_SECURITY_POLICY }] }]);
  },
  reactStrictMode: true,
};

export default nextConfig;
