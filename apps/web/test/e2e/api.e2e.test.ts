import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiErrorBody, JobView, Page, PredictResponse, ResultRowView, UploadView, WorkersResponse } from "../../src/lib/api-types.ts";
import { Engine } from "@maskfill/core";
import { buildWebApp, startStack, tinyModelDir, waitFor, type Stack } from "./stack.ts";

// The HTTP API against the real stack: Next.js production server, Redis, Postgres and a worker
// running the tiny random model. The tests run in order and share one stack.

let stack: Stack;

interface HealthBody {
  status: string;
  checks: { redis: { ok: boolean }; postgres: { ok: boolean }; worker: { ok: boolean; ready: number; total: number } };
}

beforeAll(async () => {
  await buildWebApp();
  stack = await startStack({ MASKFILL_UPLOAD_MAX_BYTES: "64kb" });
}, 300_000);

afterAll(async () => {
  await stack?.close();
});

type ErrorBody = ApiErrorBody["error"];

/** Sends a request to the stack and parses its JSON body as `T` (the test asserts the shape). */
async function call<T = ApiErrorBody>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  // JSON routes require application/json; uploads take the raw file body.
  const headers = new Headers(init.headers);
  if (typeof init.body === "string" && !path.startsWith("/api/uploads") && !headers.has("content-type")) headers.set("content-type", "application/json");
  const response = await fetch(`${stack.baseUrl}${path}`, { ...init, headers });
  return { status: response.status, body: (await response.json()) as T };
}

/** Sends a request that must fail and returns its status and error object. */
async function callError(path: string, init: RequestInit = {}): Promise<{ status: number; error: ErrorBody }> {
  const response = await call<ApiErrorBody>(path, init);
  return { status: response.status, error: response.body.error };
}

async function upload(name: string, content: string): Promise<string> {
  const response = await call<UploadView>(`/api/uploads?name=${encodeURIComponent(name)}`, { method: "POST", body: content });
  expect(response.status).toBe(201);
  return response.body.uploadId;
}

/** Submits a corpus job from text and waits until it finishes; returns the job id. */
async function runCorpus(name: string, content: string, format: "txt" | "csv" | "jsonl", topK = 3): Promise<string> {
  const uploadId = await upload(name, content);
  const created = await call<{ job: JobView }>("/api/jobs", { method: "POST", body: JSON.stringify({ uploadId, topK, corpus: { format } }) });
  expect(created.status).toBe(201);
  const jobId = created.body.job.id;
  await waitFor(async () => {
    const { body } = await call<{ job: JobView }>(`/api/jobs/${jobId}`);
    return body.job.status === "completed" ? true : undefined;
  }, 60_000, `job ${jobId} to complete`);
  return jobId;
}

describe("API without a worker", () => {
  it("predict returns 503 no_worker", async () => {
    const response = await callError("/api/predict", { method: "POST", body: JSON.stringify({ text: "A <mask> day." }) });
    expect(response.status).toBe(503);
    expect(response.error.code).toBe("no_worker");
    expect(response.error.retryable).toBe(true);
    expect(response.error.message).toContain("npm run worker");
  });

  it("health reports the missing worker", async () => {
    const response = await call<HealthBody>("/api/health");
    expect(response.status).toBe(503);
    expect(response.body.checks.redis.ok).toBe(true);
    expect(response.body.checks.postgres.ok).toBe(true);
    expect(response.body.checks.worker).toMatchObject({ ok: false, ready: 0, total: 0 });
  });

  it("workers list is empty", async () => {
    expect((await call<WorkersResponse>("/api/workers")).body).toEqual({ workers: [] });
  });

  it("cancels a queued corpus job", async () => {
    const uploadId = await upload("queued.txt", "One <mask>.\nTwo <mask>.\n");
    const created = await call<{ job: JobView; rows: number }>("/api/jobs", { method: "POST", body: JSON.stringify({ uploadId, corpus: { format: "txt" } }) });
    expect(created.status).toBe(201);
    expect(created.body.rows).toBe(2);
    expect(created.body.job).toMatchObject({ status: "queued", total: 2, done: 0, failed: 0, fileName: "queued.txt", sentence: null });

    const cancelled = await call<{ job: JobView }>(`/api/jobs/${created.body.job.id}/cancel`, { method: "POST" });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job.status).toBe("cancelled");
    expect(await readdir(stack.uploadDir)).toEqual([]);
  });

  it("rejected predictions queue nothing", async () => {
    const sentences = await call<Page<JobView>>("/api/jobs?source=sentence");
    expect(sentences.body.rows).toEqual([]);
    const corpora = await call<Page<JobView>>("/api/jobs?source=corpus");
    expect(corpora.body.rows.map((job) => job.fileName)).toEqual(["queued.txt"]);
  });

  it("starts one job per upload under concurrent requests", async () => {
    const uploadId = await upload("race.txt", "One <mask>.\nTwo <mask>.\n");
    const body = JSON.stringify({ uploadId, corpus: { format: "txt" } });
    const responses = await Promise.all([1, 2, 3, 4].map(() => call<{ job?: JobView; error?: ErrorBody }>("/api/jobs", { method: "POST", body })));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses[0]).toBe(201);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    for (const response of responses.filter((candidate) => candidate.status !== 201)) {
      expect([404, 409]).toContain(response.status);
      expect(response.body.error?.field).toBe("uploadId");
    }
    const jobs = await call<Page<JobView>>("/api/jobs?source=corpus&limit=100");
    expect(jobs.body.rows.filter((job) => job.fileName === "race.txt")).toHaveLength(1);
  });

  it("rejects an unreadable corpus without a job", async () => {
    const zip = await upload("evil.csv", "PK\u0003\u0004\u0014\u0000\u0000\u0000\b\u0000");
    const binary = await callError("/api/jobs", { method: "POST", body: JSON.stringify({ uploadId: zip, corpus: { format: "csv" } }) });
    expect(binary.status).toBe(422);
    expect(binary.error.code).toBe("corpus_unreadable");
    expect(binary.error.field).toBe("uploadId");

    const csv = await upload("columns.csv", "text,id\nThe <mask> sat.,1\n");
    const column = await callError("/api/jobs", { method: "POST", body: JSON.stringify({ uploadId: csv, corpus: { format: "csv", column: "nope" } }) });
    expect(column.status).toBe(422);
    expect(column.error.field).toBe("corpus.column");
    expect(column.error.message).toContain('column "nope" is not in the header');
    // The upload stays usable, so the corrected settings start the job.
    const fixed = await call<{ job: JobView; rows: number }>("/api/jobs", { method: "POST", body: JSON.stringify({ uploadId: csv, corpus: { format: "csv", column: "text" } }) });
    expect(fixed.status).toBe(201);
    expect(fixed.body.rows).toBe(1);

    const jobs = await call<Page<JobView>>("/api/jobs?source=corpus&limit=100");
    expect(jobs.body.rows.filter((job) => job.fileName === "evil.csv")).toHaveLength(0);
    expect(jobs.body.rows.filter((job) => job.fileName === "columns.csv")).toHaveLength(1);
  });
});

describe("API with a worker", () => {
  beforeAll(async () => {
    await stack.startWorker();
  }, 120_000);

  it("health is ok", async () => {
    const response = await call<HealthBody>("/api/health");
    expect(response.status).toBe(200);
    expect(response.body.checks.worker).toMatchObject({ ok: true, ready: 1, total: 1 });
  });

  it("predict fills [MASK] and stores the job", async () => {
    const response = await call<PredictResponse>("/api/predict", { method: "POST", body: JSON.stringify({ text: "The sky is [MASK] today.", topK: 4 }) });
    expect(response.status).toBe(200);
    expect(response.body.result.text).toBe("The sky is <mask> today.");
    expect(response.body.result.masks).toHaveLength(1);
    const predictions = response.body.result.masks[0] ?? [];
    expect(predictions).toHaveLength(4);
    const probabilities = predictions.map((prediction) => prediction.probability);
    expect([...probabilities].sort((a, b) => b - a)).toEqual(probabilities);
    const job = await call<{ job: JobView }>(`/api/jobs/${response.body.jobId}`);
    expect(job.body.job).toMatchObject({ source: "sentence", status: "completed", total: 1, done: 1, failed: 0, sentence: "The sky is <mask> today." });
    const results = await call<Page<ResultRowView>>(`/api/jobs/${response.body.jobId}/results`);
    expect(results.body.rows[0]?.masks).toEqual(response.body.result.masks);
  });

  it("predict validates every field", async () => {
    const cases: [unknown, string, string][] = [
      [{ text: "no mask here" }, "text", "The sentence has no <mask>. Type <mask> or [MASK] where the missing word goes."],
      [{ text: "a <mask>", topK: 0 }, "topK", "topK must be at least 1."],
      [{ text: "a <mask>", topK: 1001 }, "topK", "topK must be at most 1000."],
      [{ text: "a <mask>", topK: "5" }, "topK", "topK must be a number."],
      [{ text: `${"x".repeat(20_001)} <mask>` }, "text", "text must have at most 20000 characters."],
      [{ text: "a <mask>", targets: ["cake", "a\u0000"] }, "targets.1", "targets.1 contains a control character or an unpaired surrogate. Type the target word as plain text."],
      [{ text: "a <mask>", targets: ["a\ud800"] }, "targets.0", "targets.0 contains a control character or an unpaired surrogate. Type the target word as plain text."],
      [{ topK: 3 }, "text", "text is missing."],
      [{ text: "a <mask>", targets: [""] }, "targets.0", "targets.0 is an empty target. Type a word or remove that target."],
      [{ text: "a <mask>", targets: [] }, "targets", "targets must contain at least one entry."],
      [{ text: "a <mask>", topK: 1.5 }, "topK", "topK must be a whole number."],
      [{ text: "a <mask>", topK: null }, "topK", "topK must be a number."],
      [[1, 2], "body", "body must be a JSON object."],
    ];
    for (const [body, field, message] of cases) {
      const response = await callError("/api/predict", { method: "POST", body: JSON.stringify(body) });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.error).toEqual({ code: "invalid_request", field, message, retryable: false });
    }
  });

  it("predict scores a bare target as a word", async () => {
    const engine = await Engine.load({ modelDir: tinyModelDir, intraOpThreads: 1 });
    const [outcome] = await engine.fillMask([{ text: "Comedy is the art of <mask> people laugh.", topK: 1, targets: [" have"] }]);
    await engine.dispose();
    if (outcome === undefined || !outcome.ok) throw new Error("the engine rejected the target");
    const expected = outcome.value.masks[0]?.[0];
    expect(expected?.tokenId).toBe(393);

    const response = await call<PredictResponse>("/api/predict", { method: "POST", body: JSON.stringify({ text: "Comedy is the art of <mask> people laugh.", targets: ["have"] }) });
    expect(response.status).toBe(200);
    const [prediction] = response.body.result.masks[0] ?? [];
    expect(prediction?.tokenId).toBe(393);
    expect(prediction?.token).toBe(" have");
    expect(prediction?.probability).toBeCloseTo(expected?.probability ?? Number.NaN, 6);
  });

  it("predict names targets in engine errors", async () => {
    const english = await callError("/api/predict", { method: "POST", body: JSON.stringify({ text: "A <mask>.", targets: ["zzqxv"] }) });
    expect(english.status).toBe(422);
    expect(english.error).toEqual({ code: "invalid_targets", field: "targets", message: 'None of the targets (" zzqxv") is a single token of the model\'s vocabulary, so none can be scored. Use single words.', retryable: false });
    const chinese = await callError("/api/predict", { method: "POST", headers: { "accept-language": "zh-CN" }, body: JSON.stringify({ text: "A <mask>.", targets: ["zzqxv"] }) });
    expect(chinese.error.message).toBe('目标词（" zzqxv"）都不是模型词表中的单个词元，因此无法打分。请使用单个词。');
  });

  it("predict applies the corpus text rules", async () => {
    const cases: [string, string][] = [
      ["nul \u0000 <mask>", "control_character"],
      ["esc \u001b[31m <mask> \u0007", "control_character"],
      ["lone \ud800 <mask>", "invalid_unicode"],
    ];
    for (const [text, code] of cases) {
      const response = await callError("/api/predict", { method: "POST", body: JSON.stringify({ text }) });
      expect(response.status, text).toBe(400);
      expect(response.error.code, text).toBe(code);
      expect(response.error.field, text).toBe("text");
    }
    const bytes = Buffer.concat([Buffer.from('{"text":"bad '), Buffer.from([0xff, 0xfe]), Buffer.from(' <mask>"}')]);
    const invalid = await fetch(`${stack.baseUrl}/api/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: bytes });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as ApiErrorBody).error.code).toBe("invalid_utf8");
  });

  it("rejects wrong content types and methods", async () => {
    const plain = await callError("/api/predict", { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ text: "a <mask>" }) });
    expect(plain.status).toBe(415);
    expect(plain.error.message).toBe("The request body must be sent as application/json; it was sent as text/plain.");
    const form = new FormData();
    form.set("file", new Blob(["The <mask> sat.\n"]), "small.txt");
    const multipart = await callError("/api/uploads?name=small.txt", { method: "POST", body: form });
    expect(multipart.status).toBe(415);
    expect(multipart.error.code).toBe("unsupported_media_type");
    const get = await fetch(`${stack.baseUrl}/api/predict`);
    expect(get.status).toBe(405);
    expect(((await get.json()) as ApiErrorBody).error).toEqual({ code: "method_not_allowed", message: "GET is not supported here. Use POST.", retryable: false });
    for (const [method, path, allow] of [["DELETE", "/api/predict", "POST, OPTIONS"], ["PATCH", "/api/jobs", "GET, HEAD, POST, OPTIONS"], ["POST", "/api/health", "GET, HEAD, OPTIONS"]] as const) {
      const response = await fetch(`${stack.baseUrl}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get("allow"), `${method} ${path}`).toBe(allow);
      expect(response.headers.get("cache-control"), `${method} ${path}`).toBe("no-store");
      expect(((await response.json()) as ApiErrorBody).error.code, `${method} ${path}`).toBe("method_not_allowed");
    }
    const options = await fetch(`${stack.baseUrl}/api/predict`, { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("POST, OPTIONS");
    const latin1 = await callError("/api/predict", { method: "POST", headers: { "content-type": "application/json; charset=latin1" }, body: JSON.stringify({ text: "a <mask>" }) });
    expect(latin1.status).toBe(415);
    expect(latin1.error.code).toBe("unsupported_charset");
  });

  it("returns JSON 404 for unknown API paths", async () => {
    for (const [method, path] of [["GET", "/api/nothing"], ["POST", "/api/jobs/123/nothing"], ["DELETE", "/api/predict/extra"]] as const) {
      const response = await fetch(`${stack.baseUrl}${path}`, { method });
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(((await response.json()) as ApiErrorBody).error).toEqual({
        code: "not_found",
        message: `No API endpoint matches ${method} ${path}. Check the path against the endpoint list in docs/api.md.`,
        retryable: false,
      });
    }
  });

  it("errors follow Accept-Language", async () => {
    const response = await callError("/api/predict", { method: "POST", headers: { "accept-language": "zh-CN,zh;q=0.9" }, body: JSON.stringify({ text: "a <mask>", topK: 1001 }) });
    expect(response.error.message).toBe("topK 不能大于 1000。");
  });

  it("rejects invalid and oversized JSON bodies", async () => {
    const invalid = await callError("/api/predict", { method: "POST", body: "{not json" });
    expect(invalid.status).toBe(400);
    expect(invalid.error.code).toBe("invalid_json");
    expect(invalid.error.message).toMatch(/at position 1\. Fix the JSON and send it again\.$/);
    const huge = await callError("/api/predict", { method: "POST", body: JSON.stringify({ text: "x".repeat(70_000) }) });
    expect(huge.status).toBe(413);
    expect(huge.error.code).toBe("body_too_large");
  });

  it("rejects uploads over the limit and keeps no file", async () => {
    // Uploads that earlier tests left unused stay in the folder, so only new files count.
    const before = (await readdir(stack.uploadDir)).length;
    const declared = await callError("/api/uploads?name=big.txt", { method: "POST", body: "a <mask>\n".repeat(8_000) });
    expect(declared.status).toBe(413);
    expect(declared.error.message).toContain("64 KB");
    // A streamed body has no Content-Length, so the limit is enforced while writing.
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let index = 0; index < 10; index += 1) controller.enqueue(new TextEncoder().encode("b <mask>\n".repeat(1000)));
        controller.close();
      },
    });
    // The server responds 413 and closes the connection while the client is still sending, so the
    // client gets either that response or a reset connection, depending on timing.
    const streamed = await fetch(`${stack.baseUrl}/api/uploads?name=big.txt`, { method: "POST", body: chunks, duplex: "half" } as RequestInit).then(
      (response) => response.status,
      (error: unknown) => (error instanceof TypeError ? "reset" : error),
    );
    expect([413, "reset"]).toContain(streamed);
    await waitFor(async () => ((await readdir(stack.uploadDir)).length === before ? true : undefined), 10_000, "the partial upload to be deleted");
  });

  it("rejects bad file names and empty uploads", async () => {
    const badName = await callError("/api/uploads?name=corpus.xlsx", { method: "POST", body: "x" });
    expect(badName.status).toBe(400);
    expect(badName.error).toMatchObject({ field: "name", message: "name: use a .txt, .jsonl or .csv file." });
    const empty = await callError("/api/uploads?name=empty.txt", { method: "POST", body: "" });
    expect(empty.status).toBe(400);
    expect(empty.error.code).toBe("empty_upload");
  });

  it("reports unknown and malformed ids", async () => {
    const unknown = await callError("/api/jobs/00000000-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect(unknown.error.code).toBe("job_not_found");
    const malformed = await callError("/api/jobs/not-a-uuid/results");
    expect(malformed.status).toBe(400);
    expect(malformed.error.field).toBe("id");
    const missingUpload = await callError("/api/jobs", { method: "POST", body: JSON.stringify({ uploadId: "00000000-0000-4000-8000-000000000000", corpus: { format: "txt" } }) });
    expect(missingUpload.status).toBe(404);
    expect(missingUpload.error.code).toBe("upload_not_found");
  });

  it("pages results with keyset cursors", async () => {
    const lines = Array.from({ length: 120 }, (_, index) => `Sentence ${index + 1} has a <mask> in it.`);
    const jobId = await runCorpus("many.txt", `${lines.join("\n")}\n`, "txt");

    const seen: number[] = [];
    let cursor: string | null = null;
    const pageSizes: number[] = [];
    do {
      const query: string = cursor === null ? "limit=50" : `limit=50&cursor=${cursor}`;
      const page = await call<Page<ResultRowView>>(`/api/jobs/${jobId}/results?${query}`);
      pageSizes.push(page.body.rows.length);
      seen.push(...page.body.rows.map((row) => row.lineNumber));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(pageSizes).toEqual([50, 50, 20]);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, index) => index + 1));

    const scores: number[] = [];
    cursor = null;
    do {
      const query: string = cursor === null ? "limit=50&sort=score_desc" : `limit=50&sort=score_desc&cursor=${cursor}`;
      const page = await call<Page<ResultRowView>>(`/api/jobs/${jobId}/results?${query}`);
      scores.push(...page.body.rows.map((row) => row.topProbability ?? -1));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(scores).toHaveLength(120);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    const search = await call<Page<ResultRowView>>(`/api/jobs/${jobId}/results?q=${encodeURIComponent("Sentence 11 has")}`);
    expect(search.body.rows.map((row) => row.lineNumber)).toEqual([11]);
    const wildcard = await call<Page<ResultRowView>>(`/api/jobs/${jobId}/results?q=${encodeURIComponent("%")}`);
    expect(wildcard.body.rows).toEqual([]);

    const tampered = await callError(`/api/jobs/${jobId}/results?cursor=bm90LWpzb24`);
    expect(tampered.status).toBe(400);
    expect(tampered.error.field).toBe("cursor");
  });

  it("filters by predicted token", async () => {
    const jobId = await runCorpus("tokens.txt", "One <mask> two.\nThree <mask> four.\n", "txt");
    const all = await call<Page<ResultRowView>>(`/api/jobs/${jobId}/results`);
    const top = all.body.rows[0]?.topToken ?? "";
    expect(top).not.toBe("");
    const filtered = await call<Page<ResultRowView>>(`/api/jobs/${jobId}/results?token=${encodeURIComponent(top.trim())}`);
    const expected = all.body.rows.filter((row) => row.topToken === top).map((row) => row.lineNumber);
    expect(filtered.body.rows.map((row) => row.lineNumber)).toEqual(expected);
    const none = await call<Page<ResultRowView>>(`/api/jobs/${jobId}/results?token=zzzzzz`);
    expect(none.body.rows).toEqual([]);
  });

  it("refuses to cancel a finished job", async () => {
    const jobId = await runCorpus("done.txt", "A <mask>.\n", "txt");
    const response = await callError(`/api/jobs/${jobId}/cancel`, { method: "POST" });
    expect(response.status).toBe(409);
    expect(response.error.code).toBe("job_finished");
  });

  it("exports JSONL with one object per row", async () => {
    const jobId = await runCorpus("export.jsonl", '{"text":"Red <mask>."}\n{"other":1}\n{"text":"Blue <mask>."}\n', "jsonl", 2);
    const response = await fetch(`${stack.baseUrl}/api/jobs/${jobId}/export?format=jsonl`);
    expect(response.headers.get("content-type")).toContain("application/x-ndjson");
    const rows = (await response.text()).trim().split("\n").map((line) => JSON.parse(line) as ResultRowView);
    expect(rows.map((row) => [row.lineNumber, row.status])).toEqual([[1, "completed"], [2, "failed"], [3, "completed"]]);
    expect(rows[0]?.masks[0]).toHaveLength(2);
    expect(rows[1]?.error).toContain("text");
  });

  it("retries the failed items of a job", async () => {
    const jobId = await runCorpus("retry.jsonl", '{"text":"Green <mask>."}\n{"text":5}\n{"text":"No mask here."}\n', "jsonl");
    const before = await call<{ job: JobView }>(`/api/jobs/${jobId}`);
    expect(before.body.job).toMatchObject({ total: 3, done: 1, failed: 2 });

    // Only the row the engine rejected is queued again; the row that failed to parse keeps its error.
    const retried = await call<{ retried: number }>(`/api/jobs/${jobId}/retry`, { method: "POST" });
    expect(retried.status).toBe(200);
    expect(retried.body.retried).toBe(1);
    const after = await waitFor(async () => {
      const { body } = await call<{ job: JobView }>(`/api/jobs/${jobId}`);
      return body.job.status === "completed" && body.job.failed === 2 ? body.job : undefined;
    }, 60_000, `job ${jobId} to complete again`);
    expect(after).toMatchObject({ total: 3, done: 1, failed: 2 });
  });

  it("streams job snapshots as server-sent events", async () => {
    const controller = new AbortController();
    const response = await fetch(`${stack.baseUrl}/api/jobs/events?limit=3`, { signal: controller.signal });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("\n\n")) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    controller.abort();
    const [eventLine = "", dataLine = ""] = text.split("\n");
    expect(eventLine).toBe("event: snapshot");
    const snapshot = JSON.parse(dataLine.slice("data: ".length)) as { jobs: JobView[]; hasMore: boolean };
    expect(snapshot.jobs).toHaveLength(3);
    expect(snapshot.hasMore).toBe(true);
    const listed = await call<Page<JobView>>("/api/jobs?limit=3");
    expect(snapshot.jobs.map((job) => job.id)).toEqual(listed.body.rows.map((job) => job.id));
  });

  it("serves Prometheus metrics", async () => {
    const response = await fetch(`${stack.baseUrl}/api/metrics`);
    const text = await response.text();
    expect(response.headers.get("content-type")).toContain("text/plain");
    expect(text).toMatch(/^maskfill_jobs\{status="completed"\} \d+$/m);
    expect(text).toMatch(/^maskfill_queue_jobs\{queue="corpus",state="waiting"\} 0$/m);
    expect(text).toMatch(/^maskfill_workers\{status="ready"\} 1$/m);
    expect(text).toMatch(/^maskfill_worker_sentences_total\{worker="[^"]+"\} [1-9]\d*$/m);
    expect(text).toMatch(/^maskfill_worker_inference_latency_seconds\{worker="[^"]+",quantile="0\.99"\} \d/m);
    expect(text).toMatch(/^maskfill_worker_inference_seconds_total\{worker="[^"]+"\} \d/m);
  });
});
