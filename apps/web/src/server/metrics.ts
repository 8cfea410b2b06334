import type { WorkerState } from "@maskfill/core/queue";

/** One Prometheus sample: labels and a value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** A metric family in the Prometheus text exposition format 0.0.4. */
export interface MetricFamily {
  name: string;
  help: string;
  type: "gauge" | "counter";
  samples: Sample[];
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** Renders metric families as Prometheus text. */
export function renderMetrics(families: MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels).map(([key, value]) => `${key}="${escapeLabel(value)}"`);
      lines.push(`${family.name}${labels.length === 0 ? "" : `{${labels.join(",")}}`} ${Number.isFinite(sample.value) ? sample.value : 0}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Metric families derived from the workers' published state: status, throughput, sentence and
 * batch counters, mean batch size, inference latency and warm-up latency per worker.
 */
export function workerFamilies(workers: WorkerState[]): MetricFamily[] {
  const perWorker = (value: (worker: WorkerState) => number) => workers.map((worker) => ({ labels: { worker: worker.id }, value: value(worker) }));
  const statuses = ["loading", "ready", "error", "stopping"] as const;
  return [
    {
      name: "maskfill_workers",
      help: "Live workers by status.",
      type: "gauge",
      samples: statuses.map((status) => ({ labels: { status }, value: workers.filter((worker) => worker.status === status).length })),
    },
    { name: "maskfill_worker_sentences_per_second", help: "Sentences per second over the worker's last minute.", type: "gauge", samples: perWorker((worker) => worker.throughput) },
    { name: "maskfill_worker_sentences_total", help: "Sentences processed since the worker started.", type: "counter", samples: perWorker((worker) => worker.sentences) },
    { name: "maskfill_worker_failed_sentences_total", help: "Sentences that failed since the worker started.", type: "counter", samples: perWorker((worker) => worker.failedSentences) },
    { name: "maskfill_worker_batches_total", help: "Inference batches run since the worker started.", type: "counter", samples: perWorker((worker) => worker.batches) },
    {
      name: "maskfill_worker_mean_batch_size",
      help: "Mean sentences per inference batch since the worker started.",
      type: "gauge",
      samples: perWorker((worker) => (worker.batches === 0 ? 0 : worker.sentences / worker.batches)),
    },
    { name: "maskfill_worker_pending_requests", help: "Requests waiting in the worker's micro-batcher.", type: "gauge", samples: perWorker((worker) => worker.pending) },
    {
      name: "maskfill_worker_inference_latency_seconds",
      help: "Inference time per batch over the worker's last minute, by quantile (nearest rank).",
      type: "gauge",
      samples: workers.flatMap((worker) =>
        worker.batchLatency === null
          ? []
          : [
              { labels: { worker: worker.id, quantile: "0.5" }, value: worker.batchLatency.p50Ms / 1000 },
              { labels: { worker: worker.id, quantile: "0.99" }, value: worker.batchLatency.p99Ms / 1000 },
            ],
      ),
    },
    { name: "maskfill_worker_inference_seconds_total", help: "Time spent in inference since the worker started.", type: "counter", samples: perWorker((worker) => worker.inferenceMs / 1000) },
    {
      name: "maskfill_worker_warmup_latency_seconds",
      help: "Latency of the first inference after the model loaded.",
      type: "gauge",
      samples: workers.filter((worker) => worker.model !== null).map((worker) => ({ labels: { worker: worker.id }, value: (worker.model?.warmupMs ?? 0) / 1000 })),
    },
  ];
}
