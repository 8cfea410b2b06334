import type { JobModel as Job, PrismaClient } from "@maskfill/core/db";
import type { JobView } from "../lib/api-types.ts";
import { decodeCursor, encodeCursor, jobCursorSchema } from "./cursor.ts";
import { ApiError } from "./http/api-error.ts";

/** Dashboard name of a stored job kind (the database uses identifiers without dashes). */
const KIND_NAMES: Record<Job["kind"], string> = { fill_mask: "fill-mask", scoring: "score" };

/** Options as stored by the producer; anything else shows as defaults. */
function readOptions(options: unknown): JobView["options"] {
  const record = typeof options === "object" && options !== null ? (options as Record<string, unknown>) : {};
  const topK = typeof record["topK"] === "number" ? record["topK"] : 5;
  const targets = Array.isArray(record["targets"]) ? record["targets"].filter((value): value is string => typeof value === "string") : null;
  const variant = typeof record["variant"] === "string" ? record["variant"] : null;
  return { topK, targets, variant };
}

/**
 * Maps a job row to the API's JobView. Throughput is finished items per second since the job
 * started. The ETA divides the remaining items by it and is only given while the job runs.
 */
export function toJobView(row: Job, sentence: string | null = null, now: Date = new Date()): JobView {
  const finishedItems = row.itemsDone + row.itemsFailed;
  const end = row.finishedAt ?? now;
  const seconds = row.startedAt === null ? 0 : (end.getTime() - row.startedAt.getTime()) / 1000;
  const throughput = seconds > 0 && finishedItems > 0 ? finishedItems / seconds : null;
  const remaining = Math.max(row.itemsTotal - finishedItems, 0);
  const etaSeconds = row.status === "running" && throughput !== null ? remaining / throughput : null;
  return {
    id: row.id,
    kind: KIND_NAMES[row.kind],
    source: row.source,
    status: row.status,
    fileName: row.fileName,
    fileSize: row.fileSize,
    sentence,
    total: row.itemsTotal,
    done: row.itemsDone,
    failed: row.itemsFailed,
    options: readOptions(row.options),
    model: row.modelName === "" ? null : `${row.modelName}${row.modelVariant === "" ? "" : ` (${row.modelVariant})`}`,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    throughput,
    etaSeconds,
  };
}

/** Returns the input text of the single-sentence jobs among `rows`, by job id. */
async function sentencesOf(prisma: PrismaClient, rows: Job[]): Promise<Map<string, string>> {
  const ids = rows.filter((row) => row.source === "sentence").map((row) => row.id);
  if (ids.length === 0) return new Map();
  const items = await prisma.jobItem.findMany({ where: { jobId: { in: ids }, lineNumber: 1 }, select: { jobId: true, text: true } });
  return new Map(items.map((item) => [item.jobId, item.text]));
}

/** Returns one job, or throws a 404 ApiError naming the id. */
export async function findJob(prisma: PrismaClient, id: string): Promise<JobView> {
  const row = await prisma.job.findUnique({ where: { id } });
  if (row === null) throw new ApiError(404, "job_not_found", "errors.jobNotFound", { id }, { retryable: false });
  const sentences = await sentencesOf(prisma, [row]);
  return toJobView(row, sentences.get(row.id) ?? null);
}

export interface JobListQuery {
  limit: number;
  cursor?: string | undefined;
  status?: Job["status"] | undefined;
  source?: Job["source"] | undefined;
}

/**
 * Lists jobs newest first with a keyset cursor on (createdAt, id), which the (createdAt) index
 * serves without an offset scan.
 */
export async function listJobs(prisma: PrismaClient, query: JobListQuery): Promise<{ rows: JobView[]; nextCursor: string | null }> {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, jobCursorSchema);
  const createdAt = after === undefined ? undefined : new Date(after.c);
  const rows = await prisma.job.findMany({
    where: {
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.source === undefined ? {} : { source: query.source }),
      ...(after === undefined || createdAt === undefined
        ? {}
        : { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: after.id } }] }),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const nextCursor = rows.length > query.limit && last !== undefined ? encodeCursor({ c: last.createdAt.toISOString(), id: last.id }) : null;
  const sentences = await sentencesOf(prisma, page);
  return { rows: page.map((row) => toJobView(row, sentences.get(row.id) ?? null)), nextCursor };
}
