import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Generates the Prisma client when it is missing or older than prisma/schema.prisma.
    globalSetup: ["packages/core/test/db/global-setup.ts"],
  },
});
