import { createLogger, loadConfig } from "@maskfill/core/queue";
import { WorkerService } from "./service/worker-service.ts";

/**
 * Runs a worker until SIGTERM or SIGINT, then shuts it down gracefully and resolves with the
 * exit code. A second signal exits at once. Throws ConfigError for an invalid environment.
 */
export async function runWorker(env: Record<string, string | undefined> = process.env): Promise<number> {
  const config = loadConfig(env);
  const logger = createLogger("worker", config.logLevel);
  let fatal: Error | undefined;
  let stopRequested: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => {
    stopRequested = resolve;
  });

  let signalCount = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signalCount += 1;
    if (signalCount > 1) {
      logger.warn({ signal }, "Second signal, exiting without waiting for jobs");
      process.exit(130);
    }
    logger.info({ signal }, "Signal received, shutting down");
    stopRequested(signal);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  const service = await WorkerService.start(config, logger, (error) => {
    fatal = error;
    stopRequested("inference thread stopped");
  });
  const reason = await stopped;
  await service.stop(reason);
  process.off("SIGTERM", onSignal);
  process.off("SIGINT", onSignal);
  return fatal === undefined ? 0 : 1;
}
