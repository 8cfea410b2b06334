/**
 * Saves the dashboard screenshots of docs/images from a running demo (`npm run demo`), so the
 * pictures show the bundled mini model's predictions. Usage:
 *   npx tsx scripts/demo-screenshots.ts [BASE_URL] [--chinese]   (default http://localhost:3000)
 * It submits one prediction per sentence shown and one corpus job of 300 masked sentences.
 * `--chinese` also saves playground-zh-CN.png; it needs a CJK system font (e.g. Debian's
 * fonts-noto-cjk), without which Chromium draws the Chinese text as empty boxes.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Page } from "playwright-core";

const args = process.argv.slice(2);
const withChinese = args.includes("--chinese");
const baseUrl = args.find((arg) => !arg.startsWith("--")) ?? "http://localhost:3000";
const root = resolve(import.meta.dirname, "..");
const outputDir = resolve(root, "docs/images");
const chromiumPath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

/** Polls `condition` every 250 ms; throws after `timeoutMs`. */
async function until(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 250));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

async function save(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: join(outputDir, `${name}.png`), fullPage });
  process.stdout.write(`saved docs/images/${name}.png\n`);
}

async function predict(page: Page, text: string, topK: number, bars: number): Promise<void> {
  await page.goto(`${baseUrl}/?text=${encodeURIComponent(text)}&k=${topK}`);
  await until(async () => (await page.getByTestId("bar").count()) === bars, 30_000, "the probability bars");
  await until(async () => (await page.getByTestId("worker-row").count()) > 0, 10_000, "the model status");
}

const profile = await mkdtemp(join(tmpdir(), "maskfill-screenshots-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  viewport: { width: 1280, height: 860 },
  locale: "en-US",
});
try {
  const page = await context.newPage();
  await predict(page, "A good <mask> is hard to find, and a <mask> friend is harder.", 6, 12);
  await save(page, "playground");

  if (withChinese) {
    await context.addCookies([{ name: "maskfill-locale", value: "zh-CN", url: baseUrl }]);
    await predict(page, "Music is the <mask> of the soul.", 8, 8);
    await save(page, "playground-zh-CN");
    await context.clearCookies();
  }

  await page.setViewportSize({ width: 390, height: 844 });
  await predict(page, "Music is the <mask> of the soul.", 5, 5);
  await save(page, "playground-phone");
  await page.setViewportSize({ width: 1280, height: 860 });

  await page.goto(`${baseUrl}/models`);
  await until(async () => (await page.getByTestId("worker-row").count()) > 0, 10_000, "the worker table");
  await save(page, "models");

  const lines = (await readFile(resolve(root, "scripts/data/masked-1024.txt"), "utf8")).split("\n").slice(0, 300);
  await page.goto(`${baseUrl}/upload`);
  await page.getByTestId("file-input").setInputFiles({ name: "fortunes-300.txt", mimeType: "text/plain", buffer: Buffer.from(`${lines.join("\n")}\n`) });
  await until(async () => (await page.getByTestId("preview-row").count()) > 0, 30_000, "the preview");
  await save(page, "upload");
  await page.getByTestId("start-job").click();
  const link = page.getByTestId("job-started").locator("a");
  await link.waitFor({ timeout: 60_000 });
  const jobPath = (await link.getAttribute("href")) ?? "";

  await page.goto(`${baseUrl}/jobs`);
  await until(async () => (await page.getByTestId("job-row").count()) > 0, 10_000, "the job list");
  await save(page, "jobs");

  await page.goto(`${baseUrl}${jobPath}`);
  await page.locator('[data-testid="job-summary"][data-status="completed"]').waitFor({ timeout: 120_000 });
  await until(async () => (await page.getByTestId("result-row").count()) > 0, 10_000, "the result rows");
  await page.getByTestId("result-row").first().click();
  await save(page, "job-results", false);
} finally {
  await context.close();
  await rm(profile, { recursive: true, force: true });
}
