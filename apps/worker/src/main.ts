// Worker process entry: `npm run worker`, or `npm run -w @maskfill/worker start`.
import { createLogger } from "@maskfill/core/queue";
import { runWorker } from "./run-worker.ts";

try {
  process.exitCode = await runWorker();
} catch (error) {
  createLogger("worker").fatal({ err: error instanceof Error ? error.message : String(error) }, "Worker failed to start");
  process.exitCode = 1;
}
