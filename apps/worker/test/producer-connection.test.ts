import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, deleteRedisKeys, type TestDatabase } from "@maskfill/core/testing";
import { MaskfillProducer, QueueUnavailableError, createLogger, type MaskfillConfig } from "@maskfill/core/queue";
import { WorkerService } from "../src/service/worker-service.ts";
import { testConfig, uniquePrefix, waitFor } from "./helpers.ts";
import { TcpProxy } from "./tcp-proxy.ts";

const TIMEOUT_MS = 1_000;
const EVENTS_TIMEOUT_MESSAGE = `Redis did not respond within ${TIMEOUT_MS} ms while connecting to queue events; check that Redis at REDIS_URL is running.`;

/** Resolves after Node has run one turn of its event loop, so pending I/O callbacks have run. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe("producer connection", () => {
  let db: TestDatabase;
  let config: MaskfillConfig;
  let proxy: TcpProxy;
  let unhandled: unknown[];
  const recordUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  const services: WorkerService[] = [];

  beforeEach(async () => {
    db = await createTestDatabase();
    config = testConfig(db.url, uniquePrefix("producer-connection"));
    proxy = await TcpProxy.start(6379);
    unhandled = [];
    process.on("unhandledRejection", recordUnhandled);
  });

  afterEach(async () => {
    process.off("unhandledRejection", recordUnhandled);
    for (const service of services.splice(0)) await service.stop("test finished");
    await proxy.close();
    await deleteRedisKeys(config.queuePrefix);
    await db.drop();
  });

  /** Connects a producer through the proxy; its error log lines are pushed to `logLines`. */
  function connectThroughProxy(logLines: string[] = []): MaskfillProducer {
    return MaskfillProducer.connect(
      { ...config, redisUrl: `redis://127.0.0.1:${proxy.port}`, redisTimeoutMs: TIMEOUT_MS },
      { logger: pino({ level: "error" }, { write: (line: string) => logLines.push(line) }) },
    );
  }

  it("closes while its connection is starting", async () => {
    // The first attempt is refused, so the queues waiting for the connection hold an error to report.
    await proxy.pause({ refuse: true });
    const logLines: string[] = [];
    const producer = connectThroughProxy(logLines);
    await waitFor(() => logLines.some((line) => line.includes("ECONNREFUSED")), "the first connection attempt to be refused");
    await proxy.hold();
    await waitFor(() => proxy.heldConnections >= 1, "the producer to reach the held port");

    await producer.close();
    await waitFor(() => proxy.openConnections === 0, "the held connection to close");
    await nextTurn();

    expect(unhandled).toEqual([]);
  });

  it("waits for sentences again after Redis returns", async () => {
    await proxy.pause({ refuse: true });
    const producer = connectThroughProxy();
    try {
      const failure = await producer.submitSentence({ kind: "fill-mask", text: "Hello <mask>." }).catch((error: Error) => error);
      expect(failure).toBeInstanceOf(QueueUnavailableError);
      expect((failure as Error).message).toBe(EVENTS_TIMEOUT_MESSAGE);

      await proxy.resume();
      services.push(await WorkerService.start(config, createLogger("test-worker", "silent")));
      // The events connection reconnects on its own schedule, so an attempt may still time out.
      const outcome = await waitFor(
        () => producer.submitSentence({ kind: "fill-mask", text: "Hello <mask>." }, { timeoutMs: 20_000 }).catch((error: Error) => {
          if (error instanceof QueueUnavailableError && error.message === EVENTS_TIMEOUT_MESSAGE) return undefined;
          throw error;
        }),
        "a sentence submitted through the proxy to complete",
      );
      if (!outcome.ok) throw new Error(`unexpected error outcome: ${outcome.error.message}`);
      expect(outcome.value.masks).toHaveLength(1);
      expect(outcome.value.masks[0]).toHaveLength(5);
    } finally {
      await producer.close();
    }
    expect(unhandled).toEqual([]);
  });

  it("closes while queue events cannot connect", async () => {
    await proxy.pause({ refuse: true });
    const producer = connectThroughProxy();
    const failure = await producer.submitSentence({ kind: "fill-mask", text: "Hello <mask>." }).catch((error: Error) => error);
    expect((failure as Error).message).toBe(EVENTS_TIMEOUT_MESSAGE);

    await expect(producer.close()).resolves.toBeUndefined();

    // The events connection finishes closing once Redis is reachable again.
    await proxy.resume();
    await waitFor(() => proxy.forwardedConnections >= 1 && proxy.openConnections === 0, "the events connection to close");
    await nextTurn();
    expect(unhandled).toEqual([]);
  });
});
