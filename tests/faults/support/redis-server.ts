import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort, startProcess, stopProcess, waitFor, type Started } from "./processes.ts";

/**
 * Sync policy of the append-only file. The fault suite uses "always" (every write), so no
 * acknowledged write can be lost. docker-compose.yml uses "everysec", which may lose the last
 * second of writes when the host crashes.
 */
export type AppendFsync = "always" | "everysec";

/**
 * A redis-server of the test's own on a free loopback port, with an append-only file, so a
 * restart keeps the queue as it does for a production Redis for BullMQ.
 */
export class ThrowawayRedis {
  private process: Started | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly appendFsync: AppendFsync,
  ) {}

  /** Starts the server and waits until it replies to PING. */
  static async start(options: { appendFsync?: AppendFsync } = {}): Promise<ThrowawayRedis> {
    const dir = await mkdtemp(join(tmpdir(), "maskfill-fault-redis-"));
    const redis = new ThrowawayRedis(await freePort(), dir, options.appendFsync ?? "always");
    await redis.startProcess();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async startProcess(): Promise<void> {
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--appendonly", "yes", "--appendfsync", this.appendFsync, "--save", ""];
    this.process = startProcess("redis-server", args, { env: process.env });
    await waitFor(async () => {
      const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      // A refused connection while the server starts is expected; connect() rejects with it.
      client.on("error", () => undefined);
      try {
        await client.connect();
        return (await client.ping()) === "PONG";
      } finally {
        client.disconnect();
      }
    }, `redis-server on port ${this.port}\n${this.process.output()}`, 20_000);
  }

  /** Stops the server (SIGTERM, which flushes the append-only file) and starts it again on the same port after `downMs`. */
  async restart(downMs: number): Promise<void> {
    await this.pause();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.resume();
  }

  /** Stops the server with SIGTERM, keeping its files for resume(). */
  async pause(): Promise<void> {
    await stopProcess(this.process);
  }

  /** Starts the server again on the same port and waits until it replies to PING. */
  async resume(): Promise<void> {
    await this.startProcess();
  }

  /** Stops the server and deletes its files. */
  async stop(): Promise<void> {
    await stopProcess(this.process);
    await rm(this.dir, { recursive: true, force: true });
  }
}
