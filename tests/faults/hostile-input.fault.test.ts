import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthStore } from "@maskfill/core/auth";
import { FaultStack, type JobCounts } from "./support/fault-stack.ts";

// Hostile uploads and requests through the whole stack. Each bad row must fail alone with a
// clear error while the good rows around it complete, and nothing may reach the browser as markup.

const TOP_K = 2;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const VIEWER_PASSWORD = "hostile suite viewer password";

let stack: FaultStack;

interface ItemRow {
  lineNumber: number;
  status: string;
  errorCode: string | null;
}

beforeAll(async () => {
  stack = await FaultStack.start();
  await stack.startWorker("worker");
  await new AuthStore(stack.prisma).createUser({ username: "reader", password: VIEWER_PASSWORD, role: "viewer" });
});

afterAll(async () => {
  await stack?.stop();
});

async function predict(text: string) {
  return stack.api<{ error: { code: string; message: string } }>("/api/predict", { method: "POST", body: JSON.stringify({ text }) });
}

/** Uploads a file, submits it and waits for the job; returns the job id, its counts and its items in line order. */
async function runJob(name: string, content: string | Uint8Array, corpus: Record<string, unknown>): Promise<{ jobId: string; counts: JobCounts; items: ItemRow[] }> {
  const uploadId = await stack.upload(name, content);
  const created = await stack.api<{ job: { id: string } }>("/api/jobs", { method: "POST", body: JSON.stringify({ uploadId, topK: TOP_K, corpus }) });
  expect(created.status).toBe(201);
  const jobId = created.body.job.id;
  const counts = await stack.waitForJobEnd(jobId, TOP_K);
  const items = await stack.prisma.jobItem.findMany({ where: { jobId }, select: { lineNumber: true, status: true, errorCode: true }, orderBy: { lineNumber: "asc" } });
  return { jobId, counts, items };
}

describe("hostile sentences", () => {
  it("rejects a 1 MB sentence with 413", async () => {
    const answer = await predict(`${"a".repeat(1_000_000)} <mask>`);
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe("body_too_large");
  });

  it("rejects 10,000 masks with a length error", async () => {
    const answer = await predict("<mask>".repeat(10_000));
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe("text must have at most 20000 characters.");
    // Within the schema's cap, the configured MASKFILL_MAX_SENTENCE_CHARS (2000) rejects it.
    const configured = await predict("<mask>".repeat(3_000));
    expect(configured.status).toBe(422);
    expect(configured.body.error.code).toBe("sentence_too_long");
  });

  it("rejects NUL bytes naming the character", async () => {
    const answer = await predict("A <mask>\u0000 day");
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe("text contains the control character U+0000 at character 9. Remove control characters; tab and line breaks are allowed.");
  });
});

describe("hostile corpora", () => {
  it("fails a 1 MB line alone", async () => {
    const { counts, items } = await runJob("long.txt", `The <mask> ok.\n${"b".repeat(1_000_000)} <mask>\nAnother <mask> fine.\n`, { format: "txt" });
    expect(items).toEqual([
      { lineNumber: 1, status: "completed", errorCode: null },
      { lineNumber: 2, status: "failed", errorCode: "line_too_long" },
      { lineNumber: 3, status: "completed", errorCode: null },
    ]);
    expect(counts.results).toBe(2 * TOP_K);
  });

  it("fails a line with 10,000 masks alone", async () => {
    const { items } = await runJob("masks.txt", `The <mask> ok.\n${"<mask> ".repeat(10_000)}\n`, { format: "txt" });
    expect(items.map((item) => item.errorCode)).toEqual([null, "too_many_masks"]);
  });

  it("fails control characters and NUL bytes", async () => {
    const { items } = await runJob("ctrl.txt", "The <mask> ok.\nNUL \u0000 here <mask>\nBell \u0007 and escape \u001b <mask>\n", { format: "txt" });
    expect(items.map((item) => item.errorCode)).toEqual([null, "control_character", "control_character"]);
  });

  it("fails invalid UTF-8 lines alone", async () => {
    const bytes = Buffer.concat([Buffer.from("The <mask> ok.\nBad "), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(" bytes <mask>\nFine <mask>.\n")]);
    const { items } = await runJob("bad-utf8.txt", bytes, { format: "txt" });
    expect(items.map((item) => item.errorCode)).toEqual([null, "invalid_utf8", null]);
  });

  it("rejects a zip renamed to .csv", async () => {
    const uploadId = await stack.upload("archive.csv", Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]), Buffer.alloc(2000, 7)]));
    const answer = await stack.api<{ error: { code: string; message: string } }>("/api/jobs", { method: "POST", body: JSON.stringify({ uploadId, topK: TOP_K, corpus: { format: "csv", header: "auto" } }) });
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe("corpus_unreadable");
    expect(answer.body.error.message).toContain("starts like a ZIP archive");
    // The import may leave a failed job for the record, but nothing queued and no items.
    const imported = await stack.prisma.job.findMany({ where: { fileName: "archive.csv" }, include: { _count: { select: { items: true } } } });
    for (const job of imported) {
      expect(job.status).toBe("failed");
      expect(job._count.items).toBe(0);
    }
  });

  it("fails a csv row with 100,000 columns", async () => {
    const wide = `${",".repeat(99_999)}\n`;
    const { items } = await runJob("wide.csv", `text\nThe <mask> ok.\n${wide}Fine <mask>.\n`, { format: "csv", header: "auto" });
    expect(items.map((item) => item.status)).toEqual(["completed", "failed", "completed"]);
    expect(items[1]?.errorCode).toBe("too_many_columns");
  });

  it("fails deeply nested jsonl lines alone", async () => {
    const deep = `{"text": "deep <mask>", "x": ${"[".repeat(40_000)}${"]".repeat(40_000)}}`;
    const { items } = await runJob("nested.jsonl", `{"text": "The <mask> ok."}\n${deep}\n${"[".repeat(90_000)}\n{"text": "fine <mask>."}\n`, { format: "jsonl" });
    expect(items.map((item) => item.status)).toEqual(["completed", "completed", "failed", "completed"]);
  });

  it("neutralises formulas in the csv export", async () => {
    const { jobId } = await runJob("formula.txt", '=HYPERLINK("http://evil.example","<mask>")\n+cmd|\' /C calc\'!A0 <mask>\n@SUM(1+1) <mask>\n', { format: "txt" });
    const exported = await stack.api<string>(`/api/jobs/${jobId}/export?format=csv`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get("content-disposition")).toContain("attachment");
    expect(exported.headers.get("x-content-type-options")).toBe("nosniff");
    const cells = exported.body.split(/[\n,]/).map((cell) => cell.replace(/^"/, ""));
    expect(cells.some((cell) => cell.startsWith("'=HYPERLINK"))).toBe(true);
    for (const cell of cells) expect(cell).not.toMatch(/^[=+@]/);
  });
});

describe("markup in sentences", () => {
  it("stays inert in the API, the export and the dashboard", async () => {
    const script = "<script>window.__pwned = 1</script> The <mask>.";
    const image = '<img src=x onerror="window.__pwned = 2"> a <mask>';
    const { jobId, counts } = await runJob("html.txt", `${script}\n${image}\n`, { format: "txt" });
    expect(counts.completedItems).toBe(2);

    const json = await stack.api(`/api/jobs/${jobId}/results`);
    expect(json.headers.get("content-type")).toContain("application/json");
    expect(json.headers.get("x-content-type-options")).toBe("nosniff");
    const jsonl = await stack.api<string>(`/api/jobs/${jobId}/export?format=jsonl`);
    expect(jsonl.headers.get("content-disposition")).toContain("attachment");

    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage();
      const dialogs: string[] = [];
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(`${stack.baseUrl}/jobs/${jobId}`);
      await page.waitForURL(/\/sign-in/);
      await page.getByTestId("username").fill("reader");
      await page.getByTestId("password").fill(VIEWER_PASSWORD);
      await page.getByTestId("sign-in").click();
      await page.waitForURL(`${stack.baseUrl}/jobs/${jobId}`);
      await page.getByText("<script>window.__pwned = 1</script> The", { exact: false }).first().waitFor({ timeout: 30_000 });
      await page.getByText('<img src=x onerror="window.__pwned = 2">', { exact: false }).first().waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect(dialogs).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
