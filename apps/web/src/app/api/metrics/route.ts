import { otherMethods, route } from "../../../server/http/route.ts";
import { requireRole } from "../../../server/auth/index.ts";
import { renderMetrics, workerFamilies, type MetricFamily } from "../../../server/metrics.ts";
import { services } from "../../../server/services.ts";
import { withTimeout } from "../../../server/with-timeout.ts";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const JOB_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
const QUEUE_STATES = ["waiting", "active", "delayed", "prioritized", "failed"] as const;

/**
 * GET /api/metrics: Prometheus text with queue depth per BullMQ queue and state, jobs by status
 * (from Postgres) and the workers' throughput, batch size and latency.
 */
export const GET = route(async (request) => {
  await requireRole(request, "viewer");
  const { queues, prisma, producer } = services();
  const [interactive, corpus, jobCounts, workers] = await withTimeout(
    Promise.all([
      queues.interactive.getJobCounts(...QUEUE_STATES),
      queues.corpus.getJobCounts(...QUEUE_STATES),
      prisma.job.groupBy({ by: ["status"], _count: { _all: true } }),
      producer.listWorkers(),
    ]),
    5000,
    "reading metrics",
  );
  const families: MetricFamily[] = [
    {
      name: "maskfill_queue_jobs",
      help: "BullMQ jobs per queue and state (queue depth is waiting plus prioritized).",
      type: "gauge",
      samples: [
        ...QUEUE_STATES.map((state) => ({ labels: { queue: "interactive", state }, value: interactive[state] ?? 0 })),
        ...QUEUE_STATES.map((state) => ({ labels: { queue: "corpus", state }, value: corpus[state] ?? 0 })),
      ],
    },
    {
      name: "maskfill_jobs",
      help: "Jobs in Postgres by status.",
      type: "gauge",
      samples: JOB_STATUSES.map((status) => ({ labels: { status }, value: jobCounts.find((row) => row.status === status)?._count._all ?? 0 })),
    },
    ...workerFamilies(workers),
  ];
  return new Response(renderMetrics(families), {
    headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8", "cache-control": "no-store" },
  });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
