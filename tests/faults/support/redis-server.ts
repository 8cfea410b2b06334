import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort, startProcess, stopProcess, waitFor, type Started } from "./processes.ts";

/**
 * A redis-server of the test's own on a free loopback port, with an append-only file that is
 * synced on every write, as a production Redis for BullMQ should be: a restart keeps the queue.
 */
export class ThrowawayRedis {
  private process: Started | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** Starts the server and waits until it replies to PING. */
  static async start(): Promise<ThrowawayRedis> {
    const dir = await mkdtemp(join(tmpdir(), "maskfill-fault-redis-"));
    const redis = new ThrowawayRedis(await freePort(), dir);
    await redis.startProcess();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async startProcess(): Promise<void> {
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--appendonly", "yes", "--appendfsync", "always", "--save", ""];
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
