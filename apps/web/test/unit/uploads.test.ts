import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiError } from "../../src/server/http/api-error.ts";
import { pruneStaleUploads, readUploadMeta, saveUpload, uploadPath } from "../../src/server/uploads.ts";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "maskfill-upload-test-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Returns a web stream that yields `count` chunks of `chunk`. */
function streamOf(chunk: string, count: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(chunk);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent === count) {
        controller.close();
        return;
      }
      sent += 1;
      controller.enqueue(bytes);
    },
  });
}

describe("saveUpload", () => {
  it("stores the body and its metadata", async () => {
    const { id, size } = await saveUpload(streamOf("a <mask>\n", 3), "corpus.txt", dir, 1024);
    expect(size).toBe(27);
    expect(await readFile(uploadPath(dir, id), "utf8")).toBe("a <mask>\na <mask>\na <mask>\n");
    const meta = await readUploadMeta(dir, id);
    expect(meta.fileName).toBe("corpus.txt");
    expect(meta.size).toBe(27);
    expect((await readdir(dir)).sort()).toEqual([id, `${id}.json`]);
  });

  it("rejects a body over the limit and deletes the partial file", async () => {
    const error = await saveUpload(streamOf("x".repeat(100), 20), "big.txt", dir, 1000).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(413);
    expect((error as ApiError).code).toBe("upload_too_large");
    expect((error as ApiError).params).toEqual({ limit: "1,000 B" });
    expect(await readdir(dir)).toEqual([]);
  });

  it("rejects a body shorter than declared", async () => {
    const error = await saveUpload(streamOf("abc", 2), "cut.txt", dir, 1000, 10).catch((caught: unknown) => caught);
    expect((error as ApiError).code).toBe("upload_incomplete");
    expect((error as ApiError).params).toEqual({ received: 6, declared: 10 });
    expect(await readdir(dir)).toEqual([]);
  });

  it("rejects an empty body", async () => {
    const error = await saveUpload(streamOf("", 0), "empty.txt", dir, 1000).catch((caught: unknown) => caught);
    expect((error as ApiError).code).toBe("empty_upload");
    expect(await readdir(dir)).toEqual([]);
  });

  it("reports a missing upload as 404", async () => {
    const error = await readUploadMeta(dir, "00000000-0000-4000-8000-000000000000").catch((caught: unknown) => caught);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).code).toBe("upload_not_found");
  });
});

describe("pruneStaleUploads", () => {
  it("deletes only old upload files", async () => {
    const oldId = "11111111-1111-4111-8111-111111111111";
    const newId = "22222222-2222-4222-8222-222222222222";
    for (const name of [oldId, `${oldId}.json`, `${oldId}.part`, newId, `${newId}.json`, "notes.txt"]) {
      await writeFile(join(dir, name), "x");
    }
    const twoDaysAgo = new Date(Date.now() - 48 * 60 * 60 * 1000);
    for (const name of [oldId, `${oldId}.json`, `${oldId}.part`, "notes.txt"]) {
      await utimes(join(dir, name), twoDaysAgo, twoDaysAgo);
    }
    const deleted = await pruneStaleUploads(dir);
    expect(deleted.sort()).toEqual([oldId, `${oldId}.json`, `${oldId}.part`]);
    expect((await readdir(dir)).sort()).toEqual([newId, `${newId}.json`, "notes.txt"]);
  });

  it("returns nothing for a missing folder", async () => {
    expect(await pruneStaleUploads(join(dir, "missing"))).toEqual([]);
  });
});
