import { parseArgs } from "node:util";
import { runWorker } from "../../run-worker.ts";
import type { CliCommand } from "./index.ts";

const HELP = `Usage: maskfill worker [--model DIR] [--variant fp32|quantized|fp16] [--concurrency N]

Runs an inference worker until SIGTERM or SIGINT. Settings come from environment variables
(REDIS_URL, DATABASE_URL, MASKFILL_* — see docs/queue.md); these options override them:
  --model DIR        model directory (MASKFILL_MODEL_DIR); default the bundled mini-roberta
  --variant NAME     ONNX file variant (MASKFILL_MODEL_VARIANT)
  --concurrency N    corpus chunk jobs held at once (MASKFILL_CONCURRENCY)
`;

/** `maskfill worker`: runs a worker process in the foreground. */
export const workerCommand: CliCommand = {
  summary: "Run an inference worker (consumes the job queues)",
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        model: { type: "string" },
        variant: { type: "string" },
        concurrency: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const env = { ...process.env };
    if (values.model !== undefined) env.MASKFILL_MODEL_DIR = values.model;
    if (values.variant !== undefined) env.MASKFILL_MODEL_VARIANT = values.variant;
    if (values.concurrency !== undefined) env.MASKFILL_CONCURRENCY = values.concurrency;
    return runWorker(env);
  },
};
