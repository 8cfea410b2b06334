import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeChunks } from "../../src/prepare/write-chunks.ts";

describe("writeChunks", () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "maskfill-write-chunks-"));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes the chunks and returns their sha256", async () => {
    const path = join(dir, "graph.onnx");
    const sha256 = await writeChunks(path, [Buffer.from("ab"), Buffer.from("c")]);
    // The standard SHA-256 test vector for "abc".
    expect(sha256).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(await readFile(path, "utf8")).toBe("abc");
    expect(await readdir(dir)).toEqual(["graph.onnx"]);
  });

  it("removes the temporary file when aborted", async () => {
    const path = join(dir, "graph.onnx");
    await writeFile(path, "old");
    const controller = new AbortController();
    const reason = new Error("stop");
    const writing = writeChunks(path, [Buffer.from("first"), Buffer.from("second")], controller.signal);
    controller.abort(reason);

    await expect(writing).rejects.toBe(reason);
    expect(await readFile(path, "utf8")).toBe("old");
    expect(await readdir(dir)).toEqual(["graph.onnx"]);
  });
});
