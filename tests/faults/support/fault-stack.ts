import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AuthStore } from "@maskfill/core/auth";
import { createDatabaseIfMissing, createPrismaClient, migrateDatabase, withDatabaseName, type PrismaClient } from "@maskfill/core/db";
import { freePort, signalGroup, startProcess, stopProcess, waitFor, type Started } from "./processes.ts";
import { ThrowawayPostgres } from "./postgres-server.ts";
import { ThrowawayRedis } from "./redis-server.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const TINY_MODEL_DIR = join(REPO_ROOT, "packages/core/test/fixtures/tiny-roberta");

/** Counts of one job as stored in Postgres. */
export interface JobCounts {
  status: string;
  itemsTotal: number;
  itemsDone: number;
  itemsFailed: number;
  /** job_items rows. */
  items: number;
  completedItems: number;
  /** fill_mask_results rows. */
  results: number;
  /** Items whose number of results is not exactly topK. */
  itemsWithWrongResultCount: number;
}

/** Status, headers and parsed body of an API response. */
export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * The whole product on loopback ports: its own Redis and PostgreSQL, the Next.js production
 * server and worker processes, with access control on and an admin API token for the test.
 */
export class FaultStack {
  readonly workers = new Map<string, Started>();
  private web: Started | undefined;
  private webPort = 0;
  adminToken = "";

  private constructor(
    readonly redis: ThrowawayRedis,
    readonly postgres: ThrowawayPostgres,
    readonly databaseUrl: string,
    readonly prisma: PrismaClient,
    readonly uploadDir: string,
    private readonly extraEnv: Record<string, string>,
  ) {}

  /**
   * Starts Redis, PostgreSQL (migrated), the web app and an admin token; workers start with
   * startWorker(). Benchmarks pass `production`, which runs the servers with the durability
   * settings of docker-compose.yml: Redis syncs its append-only file every second and PostgreSQL
   * fsyncs. Without it, as in the fault suite, Redis syncs on every write and PostgreSQL runs
   * without fsync.
   */
  static async start(extraEnv: Record<string, string> = {}, options: { production?: boolean } = {}): Promise<FaultStack> {
    const production = options.production ?? false;
    const [redis, postgres] = await Promise.all([
      ThrowawayRedis.start({ appendFsync: production ? "everysec" : "always" }),
      ThrowawayPostgres.start({ fsync: production }),
    ]);
    const databaseUrl = withDatabaseName(postgres.url, "maskfill");
    await createDatabaseIfMissing(databaseUrl);
    await migrateDatabase({ url: databaseUrl });
    const prisma = createPrismaClient(databaseUrl, { maxConnections: 4 });
    const uploadDir = await mkdtemp(join(tmpdir(), "maskfill-fault-uploads-"));
    const stack = new FaultStack(redis, postgres, databaseUrl, prisma, uploadDir, extraEnv);
    const store = new AuthStore(prisma);
    const admin = await store.createUser({ username: "fault-admin", password: "fault suite admin password", role: "admin" });
    stack.adminToken = (await store.createApiToken({ userId: admin.id, name: "fault suite" })).token;
    await stack.startWeb();
    return stack;
  }

  /** Environment shared by the web app and the workers. */
  get env(): Record<string, string> {
    return {
      REDIS_URL: this.redis.url,
      DATABASE_URL: this.databaseUrl,
      MASKFILL_QUEUE_PREFIX: "faults",
      MASKFILL_MODEL_DIR: TINY_MODEL_DIR,
      MASKFILL_UPLOAD_DIR: this.uploadDir,
      MASKFILL_CHUNK_SIZE: "50",
      MASKFILL_LOCK_DURATION_MS: "2000",
      MASKFILL_CONCURRENCY: "2",
      MASKFILL_AUTH: "on",
      // The suite runs plain http on loopback.
      MASKFILL_COOKIE_SECURE: "false",
      NEXT_TELEMETRY_DISABLED: "1",
      LOG_LEVEL: "info",
      ...this.extraEnv,
    };
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.webPort}`;
  }

  /** Starts `next start` and waits until it responds. */
  async startWeb(): Promise<void> {
    this.webPort = await freePort();
    const nextBin = join(REPO_ROOT, "node_modules/next/dist/bin/next");
    this.web = startProcess(process.execPath, [nextBin, "start", "-p", String(this.webPort), "-H", "127.0.0.1"], { cwd: join(REPO_ROOT, "apps/web"), env: { ...process.env, ...this.env } });
    const web = this.web;
    await waitFor(async () => (await fetch(`${this.baseUrl}/api/health`)).status > 0, `the web app\n${web.output()}`, 60_000);
  }

  /** Starts a worker process without waiting for it. */
  spawnWorker(id: string, env: Record<string, string> = {}): Started {
    const worker = startProcess(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], { cwd: REPO_ROOT, env: { ...process.env, ...this.env, MASKFILL_WORKER_ID: id, ...env } });
    this.workers.set(id, worker);
    return worker;
  }

  /** Starts a worker process and waits until it reports ready with a model. */
  async startWorker(id: string, env: Record<string, string> = {}): Promise<Started> {
    const worker = this.spawnWorker(id, env);
    await waitFor(async () => (await this.workerState(id))?.status === "ready", `worker ${id} to be ready\n${worker.output()}`, 90_000);
    return worker;
  }

  /** Kills a worker with SIGKILL, as an out-of-memory kill or a power cut would, and waits for the exit. */
  async killWorker(id: string): Promise<void> {
    const worker = this.workers.get(id);
    if (worker === undefined) throw new Error(`no worker ${id}`);
    signalGroup(worker, "SIGKILL");
    await worker.exited;
  }

  /** Returns a worker's state from GET /api/workers, or undefined when it is not listed. */
  async workerState(id: string): Promise<{ id: string; status: string; error: string | null; model: { modelDir: string; name: string } | null } | undefined> {
    const { status, body } = await this.api<{ workers: { id: string; status: string; error: string | null; model: { modelDir: string; name: string } | null }[] }>("/api/workers");
    if (status !== 200) return undefined;
    return body.workers.find((worker) => worker.id === id);
  }

  /** Sends an API request with the admin token; JSON bodies are parsed, others returned as text. */
  async api<T = unknown>(path: string, init: RequestInit = {}): Promise<ApiAnswer<T>> {
    const headers = new Headers(init.headers);
    if (!headers.has("authorization")) headers.set("authorization", `Bearer ${this.adminToken}`);
    // JSON routes require application/json; uploads take the raw file body.
    if (typeof init.body === "string" && !path.startsWith("/api/uploads") && !headers.has("content-type")) headers.set("content-type", "application/json");
    const response = await fetch(`${this.baseUrl}${path}`, { ...init, headers });
    const text = await response.text();
    const json = (response.headers.get("content-type") ?? "").includes("application/json");
    return { status: response.status, headers: response.headers, body: (json ? JSON.parse(text) : text) as T };
  }

  /** Uploads a corpus and returns its upload id; throws with the API's error otherwise. */
  async upload(name: string, content: string | Uint8Array): Promise<string> {
    const answer = await this.api<{ uploadId: string }>(`/api/uploads?name=${encodeURIComponent(name)}`, { method: "POST", body: content as BodyInit });
    if (answer.status !== 201) throw new Error(`upload of ${name} failed with ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body.uploadId;
  }

  /** Uploads a txt corpus and submits a fill-mask job; returns the job id. */
  async submitCorpus(lines: string[], topK = 3): Promise<string> {
    const uploadId = await this.upload("corpus.txt", `${lines.join("\n")}\n`);
    const answer = await this.api<{ job: { id: string } }>("/api/jobs", { method: "POST", body: JSON.stringify({ uploadId, topK, corpus: { format: "txt" } }) });
    if (answer.status !== 201) throw new Error(`job submission failed with ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body.job.id;
  }

  /** Reads a job's counters and row counts from Postgres, retrying while the database is restarting. */
  async counts(jobId: string, topK: number): Promise<JobCounts> {
    return waitFor(async () => {
      const job = await this.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
      const items = await this.prisma.jobItem.count({ where: { jobId } });
      const completedItems = await this.prisma.jobItem.count({ where: { jobId, status: "completed" } });
      const results = await this.prisma.fillMaskResult.count({ where: { jobId } });
      const wrong = await this.prisma.$queryRaw<{ count: bigint }[]>`
        SELECT count(*) AS count FROM job_items i
        LEFT JOIN (SELECT line_number, count(*) AS n FROM fill_mask_results WHERE job_id = ${jobId}::uuid GROUP BY line_number) r
          ON r.line_number = i.line_number
        WHERE i.job_id = ${jobId}::uuid AND i.status = 'completed' AND coalesce(r.n, 0) <> ${topK}`;
      return { status: job.status, itemsTotal: job.itemsTotal, itemsDone: job.itemsDone, itemsFailed: job.itemsFailed, items, completedItems, results, itemsWithWrongResultCount: Number(wrong[0]?.count ?? -1) };
    }, `the counts of job ${jobId}`, 30_000, 200);
  }

  /** Waits until a job leaves queued and running, then returns its counts. */
  async waitForJobEnd(jobId: string, topK: number, timeoutMs = 120_000): Promise<JobCounts> {
    await waitFor(async () => {
      const job = await this.prisma.job.findUnique({ where: { id: jobId }, select: { status: true } });
      return job !== null && job.status !== "queued" && job.status !== "running";
    }, `job ${jobId} to finish\n${this.logs()}`, timeoutMs, 200);
    return this.counts(jobId, topK);
  }

  /** Waits until a job has made progress but is not finished, so a fault hits it mid-corpus. */
  async waitForProgress(jobId: string, minDone: number): Promise<number> {
    return waitFor(async () => {
      const job = await this.prisma.job.findUnique({ where: { id: jobId }, select: { itemsDone: true, itemsTotal: true } });
      return job !== null && job.itemsDone >= minDone ? job.itemsDone : undefined;
    }, `job ${jobId} to reach ${minDone} items`, 60_000, 20);
  }

  /** Returns the tail of every process's output, for failure messages. */
  logs(): string {
    const parts = [`--- web ---\n${this.web?.output().slice(-4000) ?? ""}`];
    for (const [id, worker] of this.workers) parts.push(`--- worker ${id} ---\n${worker.output().slice(-4000)}`);
    return parts.join("\n");
  }

  /** Stops every process and service and deletes their files. */
  async stop(): Promise<void> {
    for (const worker of this.workers.values()) await stopProcess(worker, 5_000);
    await stopProcess(this.web, 5_000);
    await this.prisma.$disconnect();
    await Promise.allSettled([this.redis.stop(), this.postgres.stop()]);
    await rm(this.uploadDir, { recursive: true, force: true });
  }
}

/** `count` distinct one-mask sentences. */
export function syntheticSentences(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `Sentence number ${i + 1} has a <mask> in the middle of it.`);
}
