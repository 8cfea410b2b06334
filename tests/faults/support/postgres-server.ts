import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitFor } from "./processes.ts";

/** Directory of the newest installed PostgreSQL server binaries (Debian layout). */
function postgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  if (newest === undefined) throw new Error(`no PostgreSQL server found under ${root}; install postgresql`);
  return join(root, newest, "bin");
}

/** initdb refuses to run as root, so the cluster belongs to the "postgres" system user then. */
function runAs(): string[] {
  return process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--"] : [];
}

/**
 * A PostgreSQL cluster of the test's own (initdb + pg_ctl) on a free loopback port with trust
 * authentication, so the suite can restart it without touching the machine's shared server.
 */
export class ThrowawayPostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
    private readonly fsync: boolean,
  ) {}

  /**
   * Creates and starts the cluster, which takes a few seconds. `fsync` defaults to false for the
   * fault suite's speed, so a crash of the host could corrupt the cluster. Benchmarks pass true,
   * the setting of a production server.
   */
  static async start(options: { fsync?: boolean } = {}): Promise<ThrowawayPostgres> {
    const dir = await mkdtemp(join(tmpdir(), "maskfill-fault-pg-"));
    const prefix = runAs();
    if (prefix.length > 0) chownSync(dir, Number(execFileSync("id", ["-u", "postgres"]).toString().trim()), Number(execFileSync("id", ["-g", "postgres"]).toString().trim()));
    const server = new ThrowawayPostgres(await freePort(), dir, postgresBin(), options.fsync ?? false);
    server.run("initdb", ["-D", server.dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
    await server.startServer();
    return server;
  }

  private get dataDir(): string {
    return join(this.dir, "data");
  }

  /** URL of the "postgres" maintenance database; replace the database name for others. */
  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private run(tool: string, args: string[]): void {
    const [command, ...prefix] = [...runAs(), join(this.bin, tool)];
    const result = spawnSync(command!, [...prefix, ...args], { encoding: "utf8", cwd: this.dir });
    if (result.status !== 0) throw new Error(`${tool} ${args.join(" ")} failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }

  private async startServer(): Promise<void> {
    const options = `-p ${this.port} -h 127.0.0.1 -k ${this.dir} -c fsync=${this.fsync ? "on" : "off"} -c max_connections=200`;
    this.run("pg_ctl", ["-D", this.dataDir, "-l", join(this.dir, "server.log"), "-o", options, "-w", "-t", "60", "start"]);
    await waitFor(async () => spawnSync(join(this.bin, "pg_isready"), ["-h", "127.0.0.1", "-p", String(this.port)]).status === 0, `PostgreSQL on port ${this.port}`, 30_000);
  }

  /** Stops the server with fast shutdown (open connections are cut) and starts it again after `downMs`. */
  async restart(downMs: number): Promise<void> {
    this.run("pg_ctl", ["-D", this.dataDir, "-m", "fast", "-w", "stop"]);
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.startServer();
  }

  /** Stops the server and deletes the cluster. */
  async stop(): Promise<void> {
    try {
      this.run("pg_ctl", ["-D", this.dataDir, "-m", "immediate", "-w", "stop"]);
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}
