import { mkdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { displayToken, formatPercent } from "../../src/lib/format.ts";
import { launchBrowser } from "./browser.ts";
import { buildWebApp, repoRoot, startStack, tinyModelDir, waitFor, type Stack } from "./stack.ts";

// The dashboard in Chromium against the real stack (Next.js production server, Redis, Postgres,
// a worker with the tiny random model). Tests run in order and share the stack and the browser.
// With SCREENSHOT_DIR set, the main pages are saved there as PNG files.

interface GoldenPrediction {
  token: number;
  tokenStr: string;
  score: number;
  sequence: string;
}

interface GoldenLine {
  text: string;
  topK: number;
  masks: GoldenPrediction[][];
}

const screenshotDir = process.env["SCREENSHOT_DIR"];

let stack: Stack;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
let jobPath = "";

async function screenshot(name: string): Promise<void> {
  if (screenshotDir === undefined) return;
  await mkdir(resolve(screenshotDir), { recursive: true });
  await page.screenshot({ path: join(resolve(screenshotDir), `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  await buildWebApp();
  stack = await startStack();
  await stack.startWorker();
  browser = await launchBrowser();
  page = await browser.context.newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe("dashboard", () => {
  it("playground shows the golden predictions", async () => {
    const goldenText = await readFile(join(tinyModelDir, "golden/fill-mask.jsonl"), "utf8");
    const golden = JSON.parse(goldenText.split("\n")[0] ?? "") as GoldenLine;
    const [before = "", after = ""] = golden.text.split("<mask>");

    await page.goto(`${stack.baseUrl}/`);
    const sentence = page.getByTestId("sentence");
    await sentence.fill(before);
    await page.getByTestId("insert-mask").click();
    await sentence.press("End");
    await sentence.pressSequentially(after);
    await sentence.press("Control+Enter");

    const bars = page.getByTestId("bar");
    await waitFor(async () => ((await bars.count()) === golden.topK ? true : undefined), 30_000, "the probability bars");
    const expected = golden.masks[0] ?? [];
    for (const [index, prediction] of expected.entries()) {
      const bar = bars.nth(index);
      expect(await bar.locator(".bar-token").textContent()).toBe(displayToken(prediction.tokenStr));
      expect(await bar.locator(".bar-value").textContent()).toBe(formatPercent(prediction.score, "en"));
    }
    // For one mask, the filled sentence must equal the pipeline's own `sequence` of the top prediction.
    expect(await page.getByTestId("filled").textContent()).toBe(expected[0]?.sequence);
    expect(await page.getByTestId("latency").textContent()).toMatch(/^Answered in [\d,]+ ms · 25 tokens$/);
    expect(new URL(page.url()).searchParams.get("text")).toBe(golden.text);
    await screenshot("playground");
  });

  it("shared URL predicts on load", async () => {
    await page.goto(`${stack.baseUrl}/?text=${encodeURIComponent("A [MASK] and a <mask>.")}&k=3`);
    await waitFor(async () => ((await page.getByTestId("bar").count()) === 6 ? true : undefined), 30_000, "bars of two masks");
    expect(await page.locator("h3").allTextContents()).toEqual(["Mask 1", "Mask 2", "Filled sentence"]);
  });

  it("playground shows inline errors", async () => {
    await page.goto(`${stack.baseUrl}/`);
    await page.getByTestId("sentence").fill("There is no mask here.");
    await page.getByTestId("predict").click();
    expect(await page.getByTestId("field-error").textContent()).toBe("The sentence has no <mask>. Type <mask> or [MASK] where the missing word goes.");
  });

  it("upload handles a BOM, CRLF and bad rows", async () => {
    const csv = "\uFEFFid,text\r\n1,Hello <mask> world.\r\n2,\"A quoted\r\nnewline <mask>.\"\r\n\r\n3,=SUM(1+2) <mask>\r\n4\r\n5,The <mask> is blue.\r\n";
    await page.goto(`${stack.baseUrl}/upload`);
    await page.getByTestId("file-input").setInputFiles({ name: "small.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
    const rows = page.getByTestId("preview-row");
    await waitFor(async () => ((await rows.count()) === 4 ? true : undefined), 30_000, "four preview rows");
    expect(await rows.locator("td:first-child").allTextContents()).toEqual(["2", "3", "6", "8"]);
    expect(await rows.nth(0).locator("td").nth(1).textContent()).toBe("Hello <mask> world.");
    expect(await page.getByTestId("preview-errors").textContent()).toContain("Line 7:");
    expect(await page.getByText("1 blank line(s) skipped").count()).toBe(1);
    expect(await page.getByTestId("column").inputValue()).toBe("text");
    await screenshot("upload");

    await page.getByTestId("start-job").click();
    const link = page.getByTestId("job-started").locator("a");
    await link.waitFor({ timeout: 30_000 });
    jobPath = (await link.getAttribute("href")) ?? "";
    expect(jobPath).toMatch(/^\/jobs\/[0-9a-f-]{36}$/);

    await page.goto(`${stack.baseUrl}${jobPath}`);
    await page.locator('[data-testid="job-summary"][data-status="completed"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("job-counts").textContent()).toBe("4 done, 1 failed of 5");
  });

  it("upload shows a whole-file error", async () => {
    await page.goto(`${stack.baseUrl}/upload`);
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]), Buffer.alloc(200, 7)]);
    await page.getByTestId("file-input").setInputFiles({ name: "evil.csv", mimeType: "text/csv", buffer: zip });
    await page.getByTestId("file-error").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("file-error").textContent()).toBe(
      'This file cannot be used with these settings: The file "evil.csv" is not a UTF-8 text file: it starts like a ZIP archive (a .zip, .xlsx or .docx file). Upload a UTF-8 text file: one sentence per line (.txt), JSON Lines (.jsonl) or CSV (.csv).',
    );
    expect(await page.getByTestId("preview-errors").count()).toBe(0);
    expect(await page.getByTestId("start-job").isDisabled()).toBe(true);
  });

  it("job page reports an unknown id", async () => {
    const id = "00000000-0000-4000-8000-000000000000";
    await page.goto(`${stack.baseUrl}/jobs/${id}`);
    const message = page.getByTestId("state-error");
    await message.waitFor({ timeout: 15_000 });
    expect(await message.textContent()).toBe(`Job ${id} was not found. It may have been deleted; open the job list.`);
    expect(await page.getByTestId("state-loading").count()).toBe(0);

    await page.goto(`${stack.baseUrl}/jobs/not-a-job`);
    expect(await page.locator("h1").textContent()).toBe("Page not found");
  });

  it("upload over 10 MB arrives whole", async () => {
    // Regression: a Next.js proxy in front of /api/uploads passes on only the first 10 MB.
    const body = "An ordinary sentence with a <mask> in it, repeated many times.\n".repeat(200_000);
    const response = await fetch(`${stack.baseUrl}/api/uploads?name=large.txt`, { method: "POST", body });
    expect(response.status).toBe(201);
    const upload = (await response.json()) as { uploadId: string; size: number };
    expect(upload.size).toBe(Buffer.byteLength(body));
    expect((await stat(join(stack.uploadDir, upload.uploadId))).size).toBe(Buffer.byteLength(body));
  });

  it("jobs page lists the job live", async () => {
    await page.goto(`${stack.baseUrl}/jobs`);
    const row = page.locator(`[data-testid="job-row"][data-job-id="${jobPath.split("/").pop()}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getAttribute("data-status")).toBe("completed");
    expect(await row.getByTestId("job-counts").textContent()).toBe("4 done, 1 failed of 5");
    await page.getByTestId("live").filter({ hasText: "Live" }).waitFor({ timeout: 10_000 });
    await screenshot("jobs");
  });

  it("results search, detail and export", async () => {
    await page.goto(`${stack.baseUrl}${jobPath}`);
    const rows = page.getByTestId("result-row");
    await waitFor(async () => ((await rows.count()) === 5 ? true : undefined), 30_000, "five result rows");
    await screenshot("job-results");

    await page.getByTestId("search").fill("blue");
    await page.getByTestId("apply-filters").click();
    await waitFor(async () => ((await rows.count()) === 1 ? true : undefined), 30_000, "one matching row");
    expect(await rows.first().locator("td").first().textContent()).toBe("8");
    await rows.first().click();
    expect(await page.getByTestId("row-detail").getByTestId("bar").count()).toBe(5);
    // The row also toggles from the keyboard.
    await rows.first().press("Enter");
    expect(await page.getByTestId("row-detail").count()).toBe(0);
    await rows.first().press("Enter");
    expect(await page.getByTestId("row-detail").count()).toBe(1);

    const exportHref = (await page.getByTestId("export-csv").getAttribute("href")) ?? "";
    expect(exportHref).toContain("q=blue");
    const filtered = await page.request.get(`${stack.baseUrl}${exportHref}`);
    expect(parse((await filtered.text()).replace(/^\uFEFF/, ""), { columns: true })).toHaveLength(5);

    const full = await page.request.get(`${stack.baseUrl}/api/jobs/${jobPath.split("/").pop()}/export?format=csv`);
    const text = await full.text();
    expect(text.startsWith("\uFEFFline_number,text,status,error,mask_index,rank,token_id,token,probability,sequence\r\n")).toBe(true);
    const records = parse(text.replace(/^\uFEFF/, ""), { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(4 * 5 + 1);
    expect(records.filter((record) => record["line_number"] === "6").every((record) => record["text"] === "'=SUM(1+2) <mask>")).toBe(true);
    expect(records.filter((record) => record["line_number"] === "3")[0]?.["text"]).toBe("A quoted\nnewline <mask>.");
    const failed = records.filter((record) => record["status"] === "failed");
    expect(failed.map((record) => [record["line_number"], record["token"]])).toEqual([["7", ""]]);
  });

  it("language switch persists Chinese", async () => {
    await page.goto(`${stack.baseUrl}/`);
    await page.getByTestId("language-switch").selectOption("zh-CN");
    await page.locator("html[lang='zh-CN']").waitFor({ timeout: 10_000 });
    expect(await page.locator("nav a").allTextContents()).toEqual(["试验台", "模型", "上传", "任务"]);
    await page.reload();
    expect(await page.locator("h1").textContent()).toBe("试验台");
    await page.getByTestId("sentence").fill("没有掩码");
    await page.getByTestId("predict").click();
    expect(await page.getByTestId("field-error").textContent()).toBe("句子中没有 <mask>。请在缺词的位置输入 <mask> 或 [MASK]。");
    await screenshot("playground-zh-CN");
    // The header label stays on one line next to the switch.
    const label = page.locator(".language-switch span");
    const labelBox = await label.boundingBox();
    const switchBox = await page.getByTestId("language-switch").boundingBox();
    expect(labelBox?.height ?? 0).toBeLessThanOrEqual(switchBox?.height ?? 0);
    await page.goto(`${stack.baseUrl}/jobs`);
    await page.getByTestId("job-row").first().waitFor({ timeout: 15_000 });
    const kinds = await page.locator('[data-testid="job-row"] td:first-child').allTextContents();
    expect(kinds.length).toBeGreaterThan(0);
    expect(kinds.filter((kind) => kind !== "掩码填充" && kind !== "打分")).toEqual([]);
    await page.goto(`${stack.baseUrl}/upload`);
    expect(await page.locator(".intro").textContent()).toContain("掩码填充或打分");
    await page.getByTestId("language-switch").selectOption("en");
    await page.locator("html[lang='en']").waitFor({ timeout: 10_000 });
  });

  it("Chinese browser gets Chinese by default", async () => {
    const chinese = await launchBrowser({ locale: "zh-CN" });
    try {
      const zhPage = await chinese.context.newPage();
      await zhPage.goto(`${stack.baseUrl}/models`);
      expect(await zhPage.locator("h1").textContent()).toBe("模型与工作进程");
    } finally {
      await chinese.close();
    }
  });

  it("load model reports a failed load", async () => {
    const missingDir = resolve(repoRoot, "models/does-not-exist");
    await page.goto(`${stack.baseUrl}/models`);
    const row = page.getByTestId("worker-row").first();
    await row.waitFor({ timeout: 30_000 });
    expect(await row.getByTestId("worker-model").textContent()).toBe("tiny-roberta");
    // The tiny test model is not the bundled demo model, so neither the notice nor the tag shows.
    expect(await page.getByTestId("demo-model-notice").count()).toBe(0);
    expect(await row.getByTestId("worker-demo-tag").count()).toBe(0);

    await page.getByTestId("model-dir").fill(missingDir);
    await page.getByTestId("load-model").click();
    expect(await page.getByTestId("load-message").textContent()).toBe("Request sent to 1 worker(s). Their state updates below.");
    await row.getByTestId("worker-error").waitFor({ timeout: 60_000 });
    expect(await row.getByTestId("worker-error").textContent()).toContain(missingDir);
    // The previous model keeps serving after a failed load.
    expect(await row.getByTestId("worker-model").textContent()).toBe("tiny-roberta");
    expect(await row.locator('[data-status="ready"]').count()).toBe(1);
  });

  it("load model switches the worker", async () => {
    const bundledModelDir = resolve(repoRoot, "models/mini-roberta");
    await page.goto(`${stack.baseUrl}/models`);
    const row = page.getByTestId("worker-row").first();
    await page.getByTestId("model-dir").fill(bundledModelDir);
    await page.getByTestId("load-model").click();
    await waitFor(
      async () => ((await row.getByTestId("worker-model").textContent()) === "mini-roberta" && (await row.locator('[data-status="ready"]').count()) === 1 ? true : undefined),
      60_000,
      "the worker to serve mini-roberta",
    );
    const notice = page.getByTestId("demo-model-notice");
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.textContent()).toContain("a small demo model (4 layers, int8 weights) whose predictions are rough");
    expect(await notice.locator("code").textContent()).toBe("maskfill model fetch roberta-large");
    expect(await row.getByTestId("worker-demo-tag").textContent()).toBe("demo");
    await screenshot("models");

    await page.goto(`${stack.baseUrl}/`);
    await page.getByTestId("model-status").getByTestId("demo-model-notice").waitFor({ timeout: 10_000 });
  });

  it("pages fit a phone screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.baseUrl}/?text=${encodeURIComponent("The weather is <mask> today.")}&k=5`);
    await waitFor(async () => ((await page.getByTestId("bar").count()) === 5 ? true : undefined), 30_000, "bars on a phone");
    await screenshot("playground-phone");
    // Wide tables scroll inside their panel; the page itself must never scroll sideways.
    for (const path of ["/", "/models", "/upload", "/jobs", jobPath]) {
      await page.goto(`${stack.baseUrl}${path}`);
      await page.locator("h1").waitFor();
      await waitFor(async () => ((await page.getByTestId("state-loading").count()) === 0 ? true : undefined), 30_000, `${path} to load its data`);
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(widths.scroll, path).toBeLessThanOrEqual(widths.client);
    }
    // The jobs table keeps its status column on screen instead of scrolling it away.
    await page.goto(`${stack.baseUrl}/jobs`);
    const badge = page.locator('[data-testid="job-row"]').first().locator("td").nth(2);
    await badge.waitFor();
    const box = await badge.boundingBox();
    await screenshot("jobs-phone");
    expect((box?.x ?? Infinity) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
