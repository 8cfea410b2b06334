import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, deleteRedisKeys, type TestDatabase } from "@maskfill/core/testing";
import { createLogger, type MaskfillConfig } from "@maskfill/core/queue";
import { WorkerService } from "../../src/service/worker-service.ts";
import { runMaskfill, testConfig, uniquePrefix } from "../helpers.ts";

describe("maskfill submit", () => {
  let db: TestDatabase;
  let config: MaskfillConfig;
  let worker: WorkerService;
  let workDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    config = testConfig(db.url, uniquePrefix("cli-submit"));
    worker = await WorkerService.start(config, createLogger("test-worker", "silent"));
    workDir = await mkdtemp(join(tmpdir(), "maskfill-submit-cli-"));
  });

  afterAll(async () => {
    await worker?.stop("test finished");
    await deleteRedisKeys(config.queuePrefix);
    await db?.drop();
    await rm(workDir, { recursive: true, force: true });
  });

  /** Runs the maskfill CLI against the test database and queue prefix. */
  function maskfill(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return runMaskfill(args, { DATABASE_URL: db.url, MASKFILL_QUEUE_PREFIX: config.queuePrefix, LOG_LEVEL: "silent" });
  }

  async function itemTexts(jobId: string): Promise<string[]> {
    const items = await db.prisma.jobItem.findMany({ where: { jobId }, orderBy: { lineNumber: "asc" } });
    return items.map((item) => item.text);
  }

  it("reads a csv file as csv", async () => {
    const file = join(workDir, "corpus.csv");
    await writeFile(file, 'text,id\n"The cat sat on the <mask>.",1\n"A <mask> day.",2\n');
    const result = await maskfill(["submit", file, "--top-k", "2", "--wait"]);
    expect(result.stderr).toContain("Queued 2 rows in 1 chunks; 0 invalid rows stored as failed items.");
    expect(result.stderr).toContain("completed: 2 done, 0 failed of 2.");
    expect(result.code).toBe(0);
    expect(await itemTexts(result.stdout.trim())).toEqual(["The cat sat on the <mask>.", "A <mask> day."]);
  }, 60_000);

  it("--format overrides the extension", async () => {
    const file = join(workDir, "lines.csv");
    await writeFile(file, "One <mask>, two.\nThree <mask>.\n");
    const result = await maskfill(["submit", file, "--format", "txt", "--wait"]);
    expect(result.code).toBe(0);
    expect(await itemTexts(result.stdout.trim())).toEqual(["One <mask>, two.", "Three <mask>."]);
  }, 60_000);

  it("--header false keeps the first row", async () => {
    const file = join(workDir, "no-header.csv");
    await writeFile(file, "text\nThe <mask> here.\n");
    const result = await maskfill(["submit", file, "--header", "false", "--wait"]);
    expect(result.stderr).toContain("Queued 2 rows");
    expect(await itemTexts(result.stdout.trim())).toEqual(["text", "The <mask> here."]);
  }, 60_000);

  it("--wait exits 1 when every row failed", async () => {
    const file = join(workDir, "no-masks.txt");
    await writeFile(file, "No mask here.\nNor here.\n");
    const result = await maskfill(["submit", file, "--wait"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/failed: 0 done, 2 failed of 2\. All 2 items failed; first error \(line 1\): No mask found in "No mask here\."/);
  }, 60_000);

  it("--wait exits 1 when one line failed", async () => {
    const txt = join(workDir, "one-bad.txt");
    await writeFile(txt, "A <mask> here.\nNo mask here.\nThe <mask> sat.\nOne <mask> more.\n");
    const fromTxt = await maskfill(["submit", txt, "--wait"]);
    expect(fromTxt.stderr).toContain("completed: 3 done, 1 failed of 4.");
    expect(fromTxt.code).toBe(1);

    const csv = join(workDir, "one-bad.csv");
    await writeFile(csv, 'text,id\n"A <mask> here.",1\n"No mask here.",2\n"The <mask> sat.",3\n"One <mask> more.",4\n');
    const fromCsv = await maskfill(["submit", csv, "--wait"]);
    expect(fromCsv.stderr).toContain("completed: 3 done, 1 failed of 4.");
    expect(fromCsv.code).toBe(1);
  }, 60_000);

  it("rejects a csv with only a header", async () => {
    const file = join(workDir, "header-only.csv");
    await writeFile(file, "text,id\n");
    const result = await maskfill(["submit", file, "--wait"]);
    expect(result.stderr).toBe(
      'maskfill submit: The CSV file "header-only.csv" has a header ("text", "id") but no rows; add rows below the header, or set header to false if the first line is a row.\n',
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
  }, 60_000);

  it("--help states the exit codes", async () => {
    const help = await maskfill(["submit", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit status: 0 once queued (with --wait: once the job completed and no line failed), 1 when\nthe job or any of its lines failed");
  });

  it("usage errors exit 2", async () => {
    const file = join(workDir, "usage.txt");
    await writeFile(file, "The <mask>.\n");
    const negative = await maskfill(["submit", file, "--top-k", "-1"]);
    expect(negative.code).toBe(2);
    expect(negative.stderr).toBe('maskfill submit: --top-k must be an integer from 1 to 1000; got "-1".\n');
    const huge = await maskfill(["submit", file, "--top-k", "99999999999999999999"]);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toBe('maskfill submit: --top-k must be an integer from 1 to 1000; got "99999999999999999999".\n');
    const unknown = await maskfill(["submit", file, "--colour"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("maskfill submit: Unknown option '--colour'. Run `maskfill submit --help` for the options.\n");
    const format = await maskfill(["submit", file, "--format", "xml"]);
    expect(format.code).toBe(2);
    expect(format.stderr).toBe('maskfill submit: --format must be txt, jsonl or csv; got "xml".\n');
  }, 60_000);
});
