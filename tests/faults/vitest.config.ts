import { defineConfig } from "vitest/config";

// Fault suite (`npm run test:faults`): each file starts its own Redis, Postgres, web app and
// workers on loopback ports, so the files run one at a time.
export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["tests/faults/**/*.fault.test.ts"],
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    globalSetup: ["packages/core/test/db/global-setup.ts", "tests/faults/support/build-web.ts"],
  },
});
