import { describe, expect, it } from "vitest";
import { workerStateSchema } from "@maskfill/core/queue";
import { renderMetrics, workerFamilies } from "../../src/server/metrics.ts";

const baseState = {
  id: "worker-a",
  host: "host-1",
  pid: 42,
  startedAt: "2026-12-04T00:00:00.000Z",
  updatedAt: "2026-12-04T00:01:00.000Z",
  status: "ready",
  error: null,
  model: null,
  requestedModelDir: null,
  batches: 4,
  sentences: 10,
  failedSentences: 1,
  throughput: 2.5,
  pending: 0,
};

describe("worker metric families", () => {
  it("renders inference latency quantiles", () => {
    const state = workerStateSchema.parse({ ...baseState, inferenceMs: 1500, batchLatency: { count: 4, p50Ms: 120, p99Ms: 480 } });
    const text = renderMetrics(workerFamilies([state]));
    expect(text).toContain('maskfill_worker_inference_latency_seconds{worker="worker-a",quantile="0.5"} 0.12\n');
    expect(text).toContain('maskfill_worker_inference_latency_seconds{worker="worker-a",quantile="0.99"} 0.48\n');
    expect(text).toContain('maskfill_worker_inference_seconds_total{worker="worker-a"} 1.5\n');
    expect(text).toContain('maskfill_worker_mean_batch_size{worker="worker-a"} 2.5\n');
  });

  it("omits latency for a worker without batches", () => {
    const state = workerStateSchema.parse(baseState);
    expect(state.batchLatency).toBeNull();
    expect(state.inferenceMs).toBe(0);
    const text = renderMetrics(workerFamilies([state]));
    expect(text).toContain("# TYPE maskfill_worker_inference_latency_seconds gauge\n");
    expect(text).not.toContain("maskfill_worker_inference_latency_seconds{");
    expect(text).toContain('maskfill_worker_inference_seconds_total{worker="worker-a"} 0\n');
  });
});
