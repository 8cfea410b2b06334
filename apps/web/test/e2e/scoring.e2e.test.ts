import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { Engine, type ScoreResult } from "@maskfill/core";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScoreSentencesResponse, ScoreSummaryView } from "../../src/lib/score-types.ts";
import { launchBrowser } from "./browser.ts";
import { buildWebApp, startStack, tinyModelDir, waitFor, type Stack } from "./stack.ts";

// Scoring in Chromium and over HTTP against the real stack (Next.js production server, Redis,
// Postgres, a worker with the tiny random model). Every number is checked against the engine
// loaded in this process with the same model. With SCREENSHOT_DIR set, the scoring pages are
// saved there as PNG files.

/** Largest difference allowed between the worker's and this process's PLL: float rounding only. */
const PLL_TOLERANCE = 1e-4;

const PLAYGROUND_SENTENCES = ["The cat sat on the mat.", "Mat the on sat cat the."];

const CORPUS_SENTENCES = [
  "Don't tell any big lies today.",
  "OK, so you're a Ph.D.",
  "Passionate hatred can give meaning and purpose to an empty life.",
  "=HYPERLINK(\"x\") is a formula.",
  "System going down at 5 this afternoon to install scheduler bug.",
  "Today lies big any tell don't.",
];

const screenshotDir = process.env["SCREENSHOT_DIR"];

let stack: Stack;
let engine: Engine;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
let jobId = "";
const expected = new Map<string, ScoreResult>();

async function screenshot(name: string): Promise<void> {
  if (screenshotDir === undefined) return;
  await mkdir(resolve(screenshotDir), { recursive: true });
  await page.screenshot({ path: join(resolve(screenshotDir), `${name}.png`), fullPage: true });
}

/** Parses a number as the dashboard formats it in English ("-1,234.5678"). */
function readNumber(text: string | null): number {
  return Number((text ?? "").replace(/,/g, ""));
}

function engineScore(text: string): ScoreResult {
  const score = expected.get(text);
  if (score === undefined) throw new Error(`no engine score for ${JSON.stringify(text)}`);
  return score;
}

/** Sentences ordered from lowest to highest engine PPPL. */
function rankedByEngine(texts: readonly string[]): string[] {
  return [...texts].sort((left, right) => engineScore(left).pseudoPerplexity - engineScore(right).pseudoPerplexity);
}

beforeAll(async () => {
  await buildWebApp();
  engine = await Engine.load({ modelDir: tinyModelDir, intraOpThreads: 1 });
  const texts = [...PLAYGROUND_SENTENCES, ...CORPUS_SENTENCES];
  const outcomes = await engine.score(texts.map((text) => ({ text })));
  for (const [index, outcome] of outcomes.entries()) {
    if (!outcome.ok) throw new Error(`the engine rejected ${texts[index]}: ${outcome.error.message}`);
    expected.set(texts[index] ?? "", outcome.value);
  }
  stack = await startStack();
  await stack.startWorker();
  browser = await launchBrowser();
  page = await browser.context.newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await engine?.dispose();
});

describe("score API", () => {
  it("scores sentences like the engine", async () => {
    const response = await fetch(`${stack.baseUrl}/api/score`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sentences: PLAYGROUND_SENTENCES }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as ScoreSentencesResponse;
    expect(body.variant).toBe("original");
    expect(body.results.map((result) => result.text)).toEqual(PLAYGROUND_SENTENCES);
    for (const result of body.results) {
      if (!result.ok) throw new Error(`sentence ${result.index} failed: ${result.error.message}`);
      const want = engineScore(result.text);
      expect(result.score.tokenCount).toBe(want.tokenCount);
      expect(Math.abs(result.score.pll - want.pll)).toBeLessThan(PLL_TOLERANCE);
      expect(result.tokens.map((token) => token.tokenId)).toEqual(want.tokens.map((token) => token.tokenId));
      expect(result.tokens.map((token) => token.position)).toEqual(want.tokens.map((token) => token.position));
    }
  });

  it.each([
    [{ sentences: [] }, "sentences"],
    [{ sentences: ["fine", "  "] }, "sentences.1"],
    [{ sentences: ["fine"], variant: "word_l2r" }, "variant"],
    [{ text: "not a list" }, "sentences"],
  ])("rejects %j naming %s", async (payload, field) => {
    const response = await fetch(`${stack.baseUrl}/api/score`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; field: string; message: string } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.field).toBe(field);
    expect(body.error.message).toContain(field);
  });
});

describe("score dashboard", () => {
  it("playground ranks two sentences", async () => {
    await page.goto(`${stack.baseUrl}/?mode=score`);
    expect(await page.getByTestId("mode-score").getAttribute("aria-current")).toBe("page");
    await page.getByTestId("score-sentences").fill(`${PLAYGROUND_SENTENCES[0]}\n\n${PLAYGROUND_SENTENCES[1]}`);
    await page.getByTestId("score-submit").click();
    const cards = page.getByTestId("score-card");
    await waitFor(async () => ((await cards.count()) === 2 ? true : undefined), 60_000, "two score cards");

    const ranked = rankedByEngine(PLAYGROUND_SENTENCES);
    expect(await cards.getByTestId("score-card-text").allTextContents()).toEqual(ranked);
    for (const [index, text] of ranked.entries()) {
      const card = cards.nth(index);
      const want = engineScore(text);
      expect(await card.getByTestId("score-n").textContent()).toBe(String(want.tokenCount));
      expect(Math.abs(readNumber(await card.getByTestId("score-pll").textContent()) - want.pll)).toBeLessThan(PLL_TOLERANCE + 5e-5);
      expect(readNumber(await card.getByTestId("score-pppl").textContent()) / want.pseudoPerplexity).toBeCloseTo(1, 4);
      const heat = card.getByTestId("heat-token");
      expect(await heat.count()).toBe(want.tokenCount);
      const heatLogProbs = (await heat.evaluateAll((elements) => elements.map((element) => Number(element.getAttribute("data-log-prob"))))) as number[];
      for (const [position, logProb] of heatLogProbs.entries()) expect(Math.abs(logProb - (want.tokens[position]?.logProb ?? 0))).toBeLessThan(1e-5);
    }

    // The tooltip shows on hover and on keyboard focus.
    const firstToken = cards.nth(0).getByTestId("heat-token").nth(1);
    await firstToken.hover();
    expect(await firstToken.getByTestId("heat-tip").isVisible()).toBe(true);
    await page.mouse.move(0, 0);
    const secondToken = cards.nth(1).getByTestId("heat-token").nth(0);
    await secondToken.focus();
    expect(await secondToken.getByTestId("heat-tip").isVisible()).toBe(true);
    expect(await secondToken.getByTestId("heat-tip").textContent()).toContain(`position 1 · word 0 · id ${engineScore(ranked[1] ?? "").tokens[0]?.tokenId}`);
    await screenshot("scoring-playground");
  });

  it("playground shows inline errors", async () => {
    await page.goto(`${stack.baseUrl}/?mode=score`);
    await page.getByTestId("score-sentences").fill("   \n  ");
    await page.getByTestId("score-submit").click();
    expect(await page.getByTestId("score-field-error").textContent()).toBe("Type at least one sentence, one per line.");
    await page.getByTestId("score-sentences").fill(Array.from({ length: 11 }, (_, index) => `Sentence ${index}.`).join("\n"));
    await page.getByTestId("score-submit").click();
    expect(await page.getByTestId("score-field-error").textContent()).toBe("Score at most 10 sentences at a time; remove some lines or upload them as a corpus.");
  });

  it("upload runs a score job", async () => {
    await page.goto(`${stack.baseUrl}/upload`);
    const file = `${CORPUS_SENTENCES.slice(0, 3).join("\n")}\n\n${CORPUS_SENTENCES.slice(3).join("\n")}\n`;
    await page.getByTestId("file-input").setInputFiles({ name: "corpus.txt", mimeType: "text/plain", buffer: Buffer.from(file, "utf8") });
    await waitFor(async () => ((await page.getByTestId("preview-row").count()) === 6 ? true : undefined), 30_000, "six preview rows");
    await page.getByTestId("job-kind").selectOption("score");
    expect(await page.getByTestId("upload-variant").inputValue()).toBe("original");
    await page.getByTestId("start-job").click();
    const link = page.getByTestId("job-started").locator("a");
    await link.waitFor({ timeout: 30_000 });
    const href = (await link.getAttribute("href")) ?? "";
    expect(href).toMatch(/^\/jobs\/[0-9a-f-]{36}$/);
    jobId = href.split("/").pop() ?? "";

    await page.goto(`${stack.baseUrl}${href}`);
    await page.locator('[data-testid="job-summary"][data-status="completed"]').waitFor({ timeout: 90_000 });
    expect(await page.getByTestId("job-counts").textContent()).toBe("6 done, 0 failed of 6");
  });

  it("job shows histogram and sorted table", async () => {
    await page.goto(`${stack.baseUrl}/jobs/${jobId}`);
    const bars = page.getByTestId("histogram-bar");
    await waitFor(async () => ((await bars.count()) === 20 ? true : undefined), 30_000, "20 histogram bars");
    const counts = (await bars.evaluateAll((elements) => elements.map((element) => Number(element.getAttribute("data-count"))))) as number[];
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(6);
    expect(await page.getByTestId("summary-sentences").textContent()).toBe("6");
    const tokens = CORPUS_SENTENCES.reduce((sum, text) => sum + engineScore(text).tokenCount, 0);
    const totalPll = CORPUS_SENTENCES.reduce((sum, text) => sum + engineScore(text).pll, 0);
    expect(await page.getByTestId("summary-tokens").textContent()).toBe(String(tokens));
    expect(readNumber(await page.getByTestId("corpus-pppl").textContent()) / Math.exp(-totalPll / tokens)).toBeCloseTo(1, 4);

    const rows = page.getByTestId("score-row");
    await waitFor(async () => ((await rows.count()) === 6 ? true : undefined), 30_000, "six score rows");
    const ranked = rankedByEngine(CORPUS_SENTENCES);
    expect(await rows.locator("td:nth-child(2)").allTextContents()).toEqual(ranked);

    await page.getByTestId("score-sort").selectOption("pppl_desc");
    await page.getByTestId("score-apply").click();
    await waitFor(async () => ((await rows.first().locator("td:nth-child(2)").textContent()) === ranked[5] ? true : undefined), 30_000, "least natural row first");
    expect(await rows.locator("td:nth-child(2)").allTextContents()).toEqual([...ranked].reverse());

    await page.getByTestId("score-sort").selectOption("pppl_asc");
    await page.getByTestId("score-apply").click();
    await waitFor(async () => ((await rows.first().locator("td:nth-child(2)").textContent()) === ranked[0] ? true : undefined), 30_000, "most natural row first");
    await rows.first().getByTestId("score-open").click();
    const detail = page.getByTestId("score-detail");
    await detail.waitFor({ timeout: 30_000 });
    const want = engineScore(ranked[0] ?? "");
    expect(await detail.getByTestId("heat-token").count()).toBe(want.tokenCount);
    await detail.getByTestId("heat-token").nth(2).hover();
    expect(await detail.getByTestId("heat-tip").nth(2).isVisible()).toBe(true);
    await screenshot("scoring-job");
  });

  it("export matches the engine", async () => {
    const jsonl = await page.request.get(`${stack.baseUrl}/api/jobs/${jobId}/export?format=jsonl&sort=pppl_asc`);
    expect(jsonl.status()).toBe(200);
    const records = (await jsonl.text()).trim().split("\n").map((line) => JSON.parse(line) as { text: string; variant: string; model: string; pll: number; tokenCount: number; meanPll: number; pseudoPerplexity: number; tokens: { position: number; tokenId: number; logProb: number }[] });
    expect(records.map((record) => record.text)).toEqual(rankedByEngine(CORPUS_SENTENCES));
    for (const record of records) {
      const want = engineScore(record.text);
      expect(record.variant).toBe("original");
      expect(record.model).toBe("tiny-roberta");
      expect(record.tokenCount).toBe(want.tokenCount);
      expect(Math.abs(record.pll - want.pll)).toBeLessThan(PLL_TOLERANCE);
      expect(record.meanPll).toBeCloseTo(record.pll / record.tokenCount, 12);
      expect(record.pseudoPerplexity).toBeCloseTo(Math.exp(-record.pll / record.tokenCount), 6);
      expect(record.tokens.map((token) => token.tokenId)).toEqual(want.tokens.map((token) => token.tokenId));
      for (const [index, token] of record.tokens.entries()) expect(Math.abs(token.logProb - (want.tokens[index]?.logProb ?? 0))).toBeLessThan(1e-5);
    }

    const csv = await page.request.get(`${stack.baseUrl}/api/jobs/${jobId}/export?format=csv`);
    const text = await csv.text();
    expect(text.startsWith("\uFEFFline_number,text,status,error,variant,model,pll,token_count,mean_pll,pseudo_perplexity\r\n")).toBe(true);
    const rows = parse(text.replace(/^\uFEFF/, ""), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row["line_number"])).toEqual(["1", "2", "3", "5", "6", "7"]);
    expect(rows[3]?.["text"]).toBe("'=HYPERLINK(\"x\") is a formula.");
    expect(Math.abs(Number(rows[0]?.["pll"]) - engineScore(CORPUS_SENTENCES[0] ?? "").pll)).toBeLessThan(PLL_TOLERANCE);
  });

  it("summary and detail routes", async () => {
    const summary = (await (await fetch(`${stack.baseUrl}/api/jobs/${jobId}/scores/summary?bins=3`)).json()) as ScoreSummaryView;
    expect(summary.pseudoPerplexity?.histogram.map((bin) => bin.count).reduce((sum, count) => sum + count, 0)).toBe(6);
    expect(summary.pseudoPerplexity?.histogram).toHaveLength(3);

    const badBins = await fetch(`${stack.baseUrl}/api/jobs/${jobId}/scores/summary?bins=0`);
    expect(badBins.status).toBe(400);
    expect(((await badBins.json()) as { error: { field: string } }).error.field).toBe("bins");

    const missing = await fetch(`${stack.baseUrl}/api/jobs/${jobId}/scores/99`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string; field: string } }).error).toMatchObject({ code: "line_not_found", field: "line" });

    const badSort = await fetch(`${stack.baseUrl}/api/jobs/${jobId}/scores?sort=probability`);
    expect(badSort.status).toBe(400);
    expect(((await badSort.json()) as { error: { field: string } }).error.field).toBe("sort");
  });

  it("job lists failed rows by status", async () => {
    const upload = await fetch(`${stack.baseUrl}/api/uploads?name=mixed.jsonl`, { method: "POST", body: '{"text":"The cat sat on the mat."}\n{"other":1}\n' });
    const { uploadId } = (await upload.json()) as { uploadId: string };
    const created = await fetch(`${stack.baseUrl}/api/jobs`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ uploadId, kind: "score", corpus: { format: "jsonl" } }) });
    expect(created.status).toBe(201);
    const mixedId = ((await created.json()) as { job: { id: string } }).job.id;

    await page.goto(`${stack.baseUrl}/jobs/${mixedId}`);
    await page.locator('[data-testid="job-summary"][data-status="completed"]').waitFor({ timeout: 90_000 });
    const rows = page.getByTestId("score-row");
    await waitFor(async () => ((await rows.count()) === 1 ? true : undefined), 30_000, "the scored row in PPPL order");
    expect(await page.getByTestId("score-sort-note").textContent()).toBe("PPPL order lists scored lines only. To see failed or pending lines and their errors, filter by that status or sort by line.");

    await page.getByTestId("score-status").selectOption("failed");
    await page.getByTestId("score-apply").click();
    await waitFor(async () => ((await rows.first().getAttribute("data-line")) === "2" ? true : undefined), 30_000, "the failed row");
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator(".error-text").textContent()).toContain("text");
    expect(await page.getByTestId("score-sort-note").count()).toBe(0);
  });

  it("Chinese browser gets Chinese scoring", async () => {
    const chinese = await launchBrowser({ locale: "zh-CN" });
    try {
      const chinesePage = await chinese.context.newPage();
      await chinesePage.goto(`${stack.baseUrl}/?mode=score`);
      expect(await chinesePage.getByTestId("mode-switch").locator("a").allTextContents()).toEqual(["填空", "打分"]);
      await chinesePage.getByTestId("score-submit").click();
      expect(await chinesePage.getByTestId("score-field-error").textContent()).toBe("请至少输入一个句子，每行一句。");
      await chinesePage.goto(`${stack.baseUrl}/jobs/${jobId}`);
      await chinesePage.getByTestId("corpus-pppl").waitFor({ timeout: 30_000 });
      expect(await chinesePage.getByTestId("score-summary").locator("h2").textContent()).toBe("语料汇总");
      expect(await chinesePage.getByTestId("score-sort").locator("option:checked").textContent()).toBe("最自然的在前（PPPL 最低）");
      expect(await chinesePage.getByTestId("score-status").locator("option").allTextContents()).toEqual(["全部", "待处理", "完成", "失败"]);
    } finally {
      await chinese.close();
    }

    const response = await fetch(`${stack.baseUrl}/api/jobs/${jobId}/scores/99`, { headers: { "accept-language": "zh-CN" } });
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe("该任务没有第 99 行。请使用任务中存在的行号。");
  });

  it("scoring pages fit a phone screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.baseUrl}/?mode=score`);
    await page.getByTestId("score-sentences").fill(PLAYGROUND_SENTENCES.join("\n"));
    await page.getByTestId("score-submit").click();
    await waitFor(async () => ((await page.getByTestId("score-card").count()) === 2 ? true : undefined), 60_000, "two score cards on a phone");
    for (const path of [null, `/jobs/${jobId}`]) {
      if (path !== null) {
        await page.goto(`${stack.baseUrl}${path}`);
        await waitFor(async () => ((await page.getByTestId("score-row").count()) === 6 ? true : undefined), 30_000, "score rows on a phone");
      }
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(widths.scroll, path ?? "playground").toBeLessThanOrEqual(widths.client);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});
