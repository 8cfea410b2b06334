import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { workerStateSchema } from "@maskfill/core/queue";
import { DemoModelNotice } from "../../src/components/models/DemoModelNotice.tsx";
import { translatorFor } from "../../src/i18n/translate.ts";
import type { WorkerView } from "../../src/lib/api-types.ts";
import { toWorkerView } from "../../src/server/workers.ts";

/** A published worker state as a worker from before the demoModel field wrote it. */
const legacyState = {
  id: "host-1",
  host: "host",
  pid: 41,
  startedAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:03.000Z",
  status: "ready",
  error: null,
  model: {
    name: "mini-roberta",
    modelDir: "/srv/models/mini-roberta",
    onnxPath: "/srv/models/mini-roberta/model_quantized.onnx",
    variant: "quantized",
    parameterCount: 6_000_000,
    executionProvider: "cpu",
    device: "cpu",
    loadMs: 120,
    warmupMs: 4,
  },
  requestedModelDir: null,
  batches: 0,
  sentences: 0,
  failedSentences: 0,
  throughput: 0,
  pending: 0,
};

function workerView(demoModel: boolean | null): WorkerView {
  const state = workerStateSchema.parse(legacyState);
  const view = toWorkerView(state);
  if (demoModel === null) return { ...view, model: null };
  return { ...view, model: view.model === null ? null : { ...view.model, demoModel } };
}

describe("DemoModelNotice", () => {
  it("explains the demo model in English", () => {
    const html = renderToStaticMarkup(createElement(DemoModelNotice, { workers: [workerView(false), workerView(true)], t: translatorFor("en") }));
    expect(html).toContain('data-testid="demo-model-notice"');
    expect(html).toContain("<strong>Small demo model</strong>");
    expect(html).toContain("a small demo model (4 layers, int8 weights) whose predictions are rough");
    expect(html).toContain("<code>maskfill model fetch roberta-large</code>");
    expect(html).toContain("MASKFILL_MODEL_DIR");
  });

  it("explains the demo model in Chinese", () => {
    const html = renderToStaticMarkup(createElement(DemoModelNotice, { workers: [workerView(true)], t: translatorFor("zh-CN") }));
    expect(html).toContain("<strong>小型演示模型</strong>");
    expect(html).toContain("预测结果比较粗糙");
    expect(html).toContain("<code>maskfill model fetch roberta-large</code>");
  });

  it("renders nothing without a demo worker", () => {
    const html = renderToStaticMarkup(createElement(DemoModelNotice, { workers: [workerView(false), workerView(null)], t: translatorFor("en") }));
    expect(html).toBe("");
  });
});

describe("worker view", () => {
  it("reads a state without demoModel as false", () => {
    expect(workerStateSchema.parse(legacyState).model?.demoModel).toBe(false);
    expect(toWorkerView(workerStateSchema.parse(legacyState)).model?.demoModel).toBe(false);
  });

  it("carries demoModel from the worker state", () => {
    const state = workerStateSchema.parse({ ...legacyState, model: { ...legacyState.model, demoModel: true } });
    expect(toWorkerView(state).model?.demoModel).toBe(true);
  });
});
