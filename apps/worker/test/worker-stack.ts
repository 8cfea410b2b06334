import { createTestDatabase, deleteRedisKeys, type TestDatabase } from "@maskfill/core/testing";
import { MaskfillProducer, createLogger, type MaskfillConfig } from "@maskfill/core/queue";
import { WorkerService } from "../src/service/worker-service.ts";
import { testConfig, uniquePrefix } from "./helpers.ts";

/** A test database, one in-process worker with the tiny model and a producer, on a fresh queue prefix. */
export interface WorkerStack {
  db: TestDatabase;
  config: MaskfillConfig;
  worker: WorkerService;
  producer: MaskfillProducer;
  /** Closes the producer and the worker, then deletes the prefix's Redis keys and the database. */
  close(): Promise<void>;
}

/** Starts a WorkerStack whose prefix starts with `label`; `overrides` are environment settings. */
export async function startWorkerStack(label: string, overrides: Record<string, string> = {}): Promise<WorkerStack> {
  const db = await createTestDatabase();
  const config = testConfig(db.url, uniquePrefix(label), overrides);
  const worker = await WorkerService.start(config, createLogger("test-worker", "silent"));
  const producer = MaskfillProducer.connect(config);
  return {
    db,
    config,
    worker,
    producer,
    async close() {
      await producer.close();
      await worker.stop("test finished");
      await deleteRedisKeys(config.queuePrefix);
      await db.drop();
    },
  };
}
