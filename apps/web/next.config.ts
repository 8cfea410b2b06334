import type { NextConfig } from "next";

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
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
