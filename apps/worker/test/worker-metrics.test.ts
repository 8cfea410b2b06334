import { describe, expect, it } from "vitest";
import { WorkerMetrics } from "../src/service/metrics.ts";

/** Returns a clock that the test advances by hand. */
function manualClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe("WorkerMetrics", () => {
  it("returns null latency before any batch", () => {
    const metrics = new WorkerMetrics(60_000, manualClock().now);
    expect(metrics.latency()).toBeNull();
    expect(metrics.throughput()).toBe(0);
  });

  it("reports nearest-rank latency quantiles", () => {
    const clock = manualClock();
    const metrics = new WorkerMetrics(60_000, clock.now);
    for (let latency = 1; latency <= 100; latency += 1) {
      metrics.recordBatch(2, 0, latency);
    }
    expect(metrics.latency()).toEqual({ count: 100, p50Ms: 50, p99Ms: 99 });
    expect(metrics.inferenceMs).toBe(5050);
    expect(metrics.batches).toBe(100);
    expect(metrics.sentences).toBe(200);
  });

  it("drops batches older than the window", () => {
    const clock = manualClock();
    const metrics = new WorkerMetrics(60_000, clock.now);
    metrics.recordBatch(4, 1, 500);
    clock.advance(30_000);
    metrics.recordBatch(6, 0, 20);
    clock.advance(40_000);

    expect(metrics.latency()).toEqual({ count: 1, p50Ms: 20, p99Ms: 20 });
    expect(metrics.inferenceMs).toBe(520);
    expect(metrics.failedSentences).toBe(1);
    // 6 sentences over the 40 s since the oldest batch still in the window.
    expect(metrics.throughput()).toBe(0.2);
  });
});
