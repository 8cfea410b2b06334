import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { ProbabilityBars } from "../../src/components/ProbabilityBars.tsx";
import { ProgressBar } from "../../src/components/ProgressBar.tsx";
import { StatusBadge } from "../../src/components/StatusBadge.tsx";
import { JobActions } from "../../src/components/jobs/JobActions.tsx";
import { I18nProvider } from "../../src/i18n/client.tsx";
import type { JobView } from "../../src/lib/api-types.ts";
import { translatorFor } from "../../src/i18n/translate.ts";

const predictions = [
  { tokenId: 10, token: " Paris", probability: 0.5, sequence: "It is Paris." },
  { tokenId: 11, token: " Lyon", probability: 0.125, sequence: "It is Lyon." },
];

describe("ProbabilityBars", () => {
  it("renders one bar per prediction, widths relative to the top one", () => {
    const html = renderToStaticMarkup(createElement(ProbabilityBars, { predictions, maskIndex: 1, locale: "en", t: translatorFor("en") }));
    expect(html.match(/data-testid="bar"/g)).toHaveLength(2);
    expect(html).toContain("width:100.00%");
    expect(html).toContain("width:25.00%");
    expect(html).toContain(">50.0%<");
    expect(html).toContain(">12.5%<");
    expect(html).toContain(">␣Paris<");
    expect(html).toContain('aria-label="Predictions for mask 1"');
  });

  it("labels the list in Chinese", () => {
    const html = renderToStaticMarkup(createElement(ProbabilityBars, { predictions, maskIndex: 2, locale: "zh-CN", t: translatorFor("zh-CN") }));
    expect(html).toContain('aria-label="掩码 2 的预测"');
  });

  it("renders an empty list without bars", () => {
    const html = renderToStaticMarkup(createElement(ProbabilityBars, { predictions: [], maskIndex: 1, locale: "en", t: translatorFor("en") }));
    expect(html).not.toContain("bar-row");
  });
});

describe("ProgressBar", () => {
  it("splits done and failed shares", () => {
    const html = renderToStaticMarkup(createElement(ProgressBar, { done: 30, failed: 10, total: 200, locale: "en", t: translatorFor("en") }));
    expect(html).toContain('aria-valuenow="40"');
    expect(html).toContain('aria-valuemax="200"');
    expect(html).toContain("width:15.00%");
    expect(html).toContain("width:5.00%");
    expect(html).toContain("20.0% complete");
  });

  it("shows 0% for a job without items", () => {
    const html = renderToStaticMarkup(createElement(ProgressBar, { done: 0, failed: 0, total: 0, locale: "en", t: translatorFor("en") }));
    expect(html).toContain("0.0% complete");
  });
});

describe("StatusBadge", () => {
  it("translates known statuses and shows unknown ones as they are", () => {
    expect(renderToStaticMarkup(createElement(StatusBadge, { status: "running", t: translatorFor("zh-CN") }))).toContain(">运行中<");
    expect(renderToStaticMarkup(createElement(StatusBadge, { status: "paused", t: translatorFor("en") }))).toContain(">paused<");
  });
});

describe("JobActions", () => {
  const base: JobView = {
    id: "00000000-0000-4000-8000-000000000001",
    kind: "fill-mask",
    source: "corpus",
    status: "completed",
    fileName: "a.txt",
    fileSize: 10,
    sentence: null,
    total: 10,
    done: 8,
    failed: 2,
    options: { topK: 5, targets: null, variant: null },
    model: "mini-roberta",
    error: null,
    createdAt: "2026-12-05T00:00:00.000Z",
    startedAt: null,
    finishedAt: null,
    throughput: null,
    etaSeconds: null,
  };

  function render(job: JobView, locale: "en" | "zh-CN" = "en"): string {
    return renderToStaticMarkup(createElement(I18nProvider, { locale, children: createElement(JobActions, { job }) }));
  }

  it("offers retry for failed items of a finished job", () => {
    const html = render(base);
    expect(html).toContain('data-testid="retry-job">Retry failed<');
    expect(html).not.toContain("resume-job");
    expect(html).not.toContain("cancel-job");
  });

  it("offers resume for a cancelled job with items left", () => {
    const html = render({ ...base, status: "cancelled", done: 3, failed: 1 }, "zh-CN");
    expect(html).toContain('data-testid="resume-job">继续运行<');
    expect(html).not.toContain("retry-job");
  });

  it("offers nothing for a cancelled job with every item run", () => {
    const html = render({ ...base, status: "cancelled", done: 10, failed: 0 });
    expect(html).not.toContain("<button");
  });

  it("offers cancel while running", () => {
    const html = render({ ...base, status: "running", done: 3, failed: 0 });
    expect(html).toContain('data-testid="cancel-job">Cancel<');
    expect(html).not.toContain("resume-job");
  });
});
