import type { PrismaClient } from "../../db/generated/client.ts";
import { insertJobItems } from "../../db/insert-job-items.ts";
import type { JobKind } from "../catalog.ts";
import { DB_KIND, kindFromDb } from "./kinds.ts";

/** A job's state as the producer API reports it. */
export interface JobView {
  id: string;
  kind: JobKind;
  source: "sentence" | "corpus";
  status: "queued" | "running" | "completed" | "failed" | "cancelled";
  options: unknown;
  modelName: string;
  modelVariant: string;
  itemsTotal: number;
  itemsDone: number;
  itemsFailed: number;
  /** Finished items (done or failed) over itemsTotal, from 0 to 1; 0 for a job without items. */
  progress: number;
  fileName: string | null;
  errorCode: string | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** One input sentence of a job. */
export interface ItemInput {
  lineNumber: number;
  text: string;
}

export interface NewJob {
  kind: JobKind;
  source: "sentence" | "corpus";
  options: object;
  modelName: string;
  modelVariant: string;
  fileName?: string;
  fileSize?: number;
  /** Items known up front (a single sentence); corpus items are added with insertItems. */
  items?: ItemInput[];
  /** Id of the user who submits the job; omitted or null for anonymous submissions. */
  ownerId?: string | null;
}

/** Job and item rows in Postgres: creation, status transitions and reads. Results go through ResultWriter. */
export class JobStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Inserts a job in status "queued" with its known items and returns its id. */
  async createJob(job: NewJob): Promise<string> {
    const items = job.items ?? [];
    const [item] = items;
    if (items.length === 1 && item !== undefined) return this.createSingleItemJob(job, item);
    const created = await this.prisma.job.create({
      data: {
        kind: DB_KIND[job.kind],
        source: job.source,
        options: job.options,
        modelName: job.modelName,
        modelVariant: job.modelVariant,
        fileName: job.fileName ?? null,
        fileSize: job.fileSize ?? null,
        itemsTotal: items.length,
        ownerId: job.ownerId ?? null,
        items: { create: items },
      },
      select: { id: true },
    });
    return created.id;
  }

  /**
   * Inserts a job and its only item in one statement. Sentence submissions take this path on
   * every API request, and one round trip costs the web process far less CPU than the nested
   * create's transaction.
   */
  private async createSingleItemJob(job: NewJob, item: ItemInput): Promise<string> {
    const rows = await this.prisma.$queryRaw<{ job_id: string }[]>`
      WITH job AS (
        INSERT INTO "jobs" ("kind", "source", "options", "model_name", "model_variant", "file_name", "file_size", "items_total", "owner_id")
        VALUES (${DB_KIND[job.kind]}::"job_kind", ${job.source}::"job_source", ${JSON.stringify(job.options)}::jsonb, ${job.modelName},
                ${job.modelVariant}, ${job.fileName ?? null}, ${job.fileSize ?? null}, 1, ${job.ownerId ?? null}::uuid)
        RETURNING "id"
      )
      INSERT INTO "job_items" ("job_id", "line_number", "text")
      SELECT "id", ${item.lineNumber}, ${item.text} FROM job
      RETURNING "job_id"::text AS job_id`;
    const row = rows[0];
    if (row === undefined) throw new Error("Inserting the job returned no row");
    return row.job_id;
  }

  /** Inserts items in one statement; rows that already exist are kept, so a repeated call adds nothing. */
  async insertItems(jobId: string, items: ItemInput[]): Promise<void> {
    await insertJobItems(this.prisma, jobId, items);
  }

  /** Inserts rows the corpus parser rejected as failed items, with an empty text and the parser's reason. */
  async insertFailedItems(jobId: string, items: { lineNumber: number; code: string; message: string }[]): Promise<void> {
    if (items.length === 0) return;
    await this.prisma.jobItem.createMany({
      data: items.map((item) => ({ jobId, lineNumber: item.lineNumber, text: "", status: "failed" as const, errorCode: item.code, error: item.message })),
      skipDuplicates: true,
    });
  }

  /**
   * Sets the counts of a finished corpus import. A corpus with no valid row finishes at once,
   * because no chunk job will ever finish it: "failed" with the first row's error when the
   * parser rejected rows, "completed" when the corpus had no rows at all.
   */
  async finishImport(jobId: string, itemsTotal: number, itemsFailed: number): Promise<void> {
    if (itemsFailed < itemsTotal) {
      await this.prisma.job.update({ where: { id: jobId }, data: { itemsTotal, itemsFailed } });
      return;
    }
    if (itemsFailed === 0) {
      await this.prisma.job.update({ where: { id: jobId }, data: { itemsTotal, itemsFailed, status: "completed", finishedAt: new Date() } });
      return;
    }
    const first = await this.prisma.jobItem.findFirst({ where: { jobId, status: "failed" }, orderBy: { lineNumber: "asc" }, select: { lineNumber: true, error: true } });
    await this.prisma.job.update({
      where: { id: jobId },
      data: {
        itemsTotal,
        itemsFailed,
        status: "failed",
        errorCode: "all_items_failed",
        error: allItemsFailedMessage(itemsFailed, first?.lineNumber ?? 0, first?.error ?? "unknown"),
        finishedAt: new Date(),
      },
    });
  }

  /**
   * Returns the line numbers of a job's pending items, in order: the items a retry must run.
   * NOTE: keeps one number per pending item in memory (about 8 MB for a million items).
   */
  async pendingLineNumbers(jobId: string): Promise<number[]> {
    const rows = await this.prisma.$queryRaw<{ line_number: number }[]>`
      SELECT line_number FROM job_items WHERE job_id = ${jobId}::uuid AND status = 'pending' ORDER BY line_number`;
    return rows.map((row) => row.line_number);
  }

  /** Returns the text of a single-sentence job's item, or null when it has none. */
  async sentenceText(jobId: string): Promise<string | null> {
    const row = await this.prisma.jobItem.findFirst({ where: { jobId }, select: { text: true } });
    return row?.text ?? null;
  }

  /**
   * Moves a queued job to "running" and records the model that runs it. Returns the job's status
   * after the call, or null when the job row does not exist.
   */
  async startJob(jobId: string, model: { name: string; variant: string }): Promise<JobView["status"] | null> {
    await this.prisma.job.updateMany({
      where: { id: jobId, status: "queued" },
      data: { status: "running", startedAt: new Date(), modelName: model.name, modelVariant: model.variant },
    });
    const row = await this.prisma.job.findUnique({ where: { id: jobId }, select: { status: true } });
    return row?.status ?? null;
  }

  /** Returns the still-pending items with line numbers in [start, end), in line order. */
  async pendingItems(jobId: string, start: number, end: number): Promise<ItemInput[]> {
    return this.prisma.jobItem.findMany({
      where: { jobId, status: "pending", lineNumber: { gte: start, lt: end } },
      select: { lineNumber: true, text: true },
      orderBy: { lineNumber: "asc" },
    });
  }

  /** Marks a job failed with a job-level reason, unless it already finished or was cancelled. */
  async failJob(jobId: string, code: string, message: string): Promise<void> {
    await this.prisma.job.updateMany({
      where: { id: jobId, status: { in: ["queued", "running"] } },
      data: { status: "failed", errorCode: code, error: message, finishedAt: new Date() },
    });
  }

  /** Marks a queued or running job cancelled; returns false when it had already finished or does not exist. */
  async cancelJob(jobId: string): Promise<boolean> {
    const { count } = await this.prisma.job.updateMany({
      where: { id: jobId, status: { in: ["queued", "running"] } },
      data: { status: "cancelled", finishedAt: new Date() },
    });
    return count === 1;
  }

  /**
   * Sets the failed items that can run again back to pending, and the job back to queued when any
   * item is left to run, in one transaction. Rows the corpus parser rejected are stored with an
   * empty text, so they keep their status and error. Returns how many failed items were reset.
   */
  async resetFailedItems(jobId: string): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const reset = await tx.$executeRaw`
        UPDATE job_items SET status = 'pending', error_code = NULL, error = NULL
        WHERE job_id = ${jobId}::uuid AND status = 'failed' AND text <> ''`;
      await tx.$executeRaw`
        UPDATE jobs SET status = 'queued', items_failed = items_failed - ${reset},
          error_code = NULL, error = NULL, finished_at = NULL, updated_at = now()
        WHERE id = ${jobId}::uuid
          AND EXISTS (SELECT 1 FROM job_items WHERE job_id = ${jobId}::uuid AND status = 'pending')`;
      return reset;
    });
  }

  /** Returns a job's state, or null when no job has this id. */
  async getJob(jobId: string): Promise<JobView | null> {
    const row = await this.prisma.job.findUnique({ where: { id: jobId } });
    if (row === null) return null;
    const finished = row.itemsDone + row.itemsFailed;
    return {
      id: row.id,
      kind: kindFromDb(row.kind),
      source: row.source,
      status: row.status,
      options: row.options,
      modelName: row.modelName,
      modelVariant: row.modelVariant,
      itemsTotal: row.itemsTotal,
      itemsDone: row.itemsDone,
      itemsFailed: row.itemsFailed,
      progress: row.itemsTotal === 0 ? 0 : finished / row.itemsTotal,
      fileName: row.fileName,
      errorCode: row.errorCode,
      error: row.error,
      createdAt: row.createdAt,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
    };
  }
}

/** Builds the error of a job whose every item failed; the SQL in ResultWriter writes the same sentence. */
function allItemsFailedMessage(count: number, lineNumber: number, firstError: string): string {
  return `All ${count} items failed; first error (line ${lineNumber}): ${firstError}`;
}
