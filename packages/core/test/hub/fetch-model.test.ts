import { createHash } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, stat, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  fetchModel,
  HubAuthError,
  HubIntegrityError,
  HubNotFoundError,
  HubOptionsError,
  HubRequestError,
  OnnxExportNotFoundError,
  type DownloadProgress,
} from "../../src/hub/index.ts";
import { FAKE_COMMIT, pseudoRandomBytes, startFakeHub, type FakeFile, type FakeHub } from "./fake-hub.ts";

const ONNX_BYTES = pseudoRandomBytes(300_000, 7);
const CONFIG = Buffer.from('{"model_type": "roberta", "vocab_size": 50265}\n');
const TOKENIZER = Buffer.from('{"version": "1.0", "model": {"type": "BPE"}}\n');
const TOKENIZER_CONFIG = Buffer.from('{"mask_token": "<mask>"}\n');

function transformersJsRepo(overrides: Record<string, FakeFile> = {}): Record<string, FakeFile> {
  return {
    "onnx/model_quantized.onnx": { content: ONNX_BYTES, lfs: true },
    "config.json": { content: CONFIG },
    "tokenizer.json": { content: TOKENIZER },
    "tokenizer_config.json": { content: TOKENIZER_CONFIG },
    ...overrides,
  };
}

function sha256(content: Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

let hub: FakeHub | undefined;
let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), "maskfill-hub-"));
});

afterEach(async () => {
  await hub?.close();
  hub = undefined;
  await rm(workDir, { recursive: true, force: true });
});

async function start(repos: Record<string, Record<string, FakeFile>>, token?: string): Promise<FakeHub> {
  hub = await startFakeHub({ repos, ...(token === undefined ? {} : { token }) });
  return hub;
}

describe("fetchModel download", () => {
  it("downloads a transformers.js export", async () => {
    const server = await start({ "Xenova/roberta-large": transformersJsRepo() });
    const modelDir = join(workDir, "roberta-large");
    const progress: DownloadProgress[] = [];

    const result = await fetchModel(
      { repo: "Xenova/roberta-large", variant: "quantized", endpoint: server.endpoint, modelDir, retries: 0 },
      { onProgress: (event) => progress.push(event) },
    );

    expect(result.onnxPath).toBe("onnx/model_quantized.onnx");
    expect(result.commit).toBe(FAKE_COMMIT);
    expect(result.modelDir).toBe(modelDir);
    expect(result.files).toEqual([
      { path: "onnx/model_quantized.onnx", size: ONNX_BYTES.length, outcome: "downloaded", checked: "sha256" },
      { path: "config.json", size: CONFIG.length, outcome: "downloaded", checked: "git-sha1" },
      { path: "tokenizer.json", size: TOKENIZER.length, outcome: "downloaded", checked: "git-sha1" },
      { path: "tokenizer_config.json", size: TOKENIZER_CONFIG.length, outcome: "downloaded", checked: "git-sha1" },
    ]);
    expect(sha256(await readFile(join(modelDir, "onnx", "model_quantized.onnx")))).toBe(sha256(ONNX_BYTES));
    expect(await readFile(join(modelDir, "config.json"))).toEqual(CONFIG);
    expect(await readFile(join(modelDir, "tokenizer.json"))).toEqual(TOKENIZER);
    expect(await readFile(join(modelDir, "tokenizer_config.json"))).toEqual(TOKENIZER_CONFIG);
    expect((await readdir(join(modelDir, "onnx"))).sort()).toEqual(["model_quantized.onnx"]);

    const lastOnnxProgress = progress.filter((event) => event.path === "onnx/model_quantized.onnx").at(-1);
    expect(lastOnnxProgress).toEqual({ path: "onnx/model_quantized.onnx", receivedBytes: 300_000, totalBytes: 300_000 });

    const manifest = JSON.parse(await readFile(join(modelDir, "maskfill.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).toEqual({
      defaultVariant: "quantized",
      source: {
        repo: "Xenova/roberta-large",
        revision: "main",
        commit: FAKE_COMMIT,
        endpoint: server.endpoint,
        onnxPath: "onnx/model_quantized.onnx",
      },
    });
  });

  it("pins later requests to the commit", async () => {
    const server = await start({ "Xenova/roberta-large": transformersJsRepo() });
    await fetchModel({ repo: "Xenova/roberta-large", variant: "quantized", endpoint: server.endpoint, modelDir: workDir });
    const resolves = server.requests.filter((request) => request.path.includes("/resolve/"));
    expect(resolves[0]?.path).toBe("/Xenova/roberta-large/resolve/main/onnx/model_quantized.onnx");
    expect(resolves.slice(1).every((request) => request.path.includes(`/resolve/${FAKE_COMMIT}/`))).toBe(true);
  });

  it("downloads an optimum export at the top", async () => {
    const server = await start({
      "acme/roberta-onnx": {
        "model.onnx": { content: ONNX_BYTES, lfs: true },
        "config.json": { content: CONFIG },
        "tokenizer.json": { content: TOKENIZER },
        "tokenizer_config.json": { content: TOKENIZER_CONFIG },
        "special_tokens_map.json": { content: Buffer.from("{}") },
      },
    });
    const result = await fetchModel({ repo: "acme/roberta-onnx", endpoint: server.endpoint, modelDir: workDir });
    expect(result.onnxPath).toBe("model.onnx");
    expect(result.files.map((file) => file.path)).toEqual([
      "model.onnx",
      "config.json",
      "tokenizer.json",
      "tokenizer_config.json",
      "special_tokens_map.json",
    ]);
    expect(await readFile(join(workDir, "model.onnx"))).toEqual(ONNX_BYTES);
    expect(await exists(join(workDir, "onnx"))).toBe(false);
  });

  it("downloads an empty file", async () => {
    const server = await start({
      "Xenova/roberta-large": transformersJsRepo({ "special_tokens_map.json": { content: Buffer.alloc(0) } }),
    });
    const result = await fetchModel({ repo: "Xenova/roberta-large", variant: "quantized", endpoint: server.endpoint, modelDir: workDir });
    expect(result.files.at(-1)).toEqual({ path: "special_tokens_map.json", size: 0, outcome: "downloaded", checked: "git-sha1" });
    expect((await stat(join(workDir, "special_tokens_map.json"))).size).toBe(0);
  });

  it("downloads external weight data", async () => {
    const data = pseudoRandomBytes(50_000, 3);
    const server = await start({
      "acme/big": transformersJsRepo({
        "onnx/model.onnx": { content: ONNX_BYTES, lfs: true },
        "onnx/model.onnx_data": { content: data, lfs: true },
      }),
    });
    const result = await fetchModel({ repo: "acme/big", endpoint: server.endpoint, modelDir: workDir });
    expect(result.files.map((file) => file.path).slice(0, 2)).toEqual(["onnx/model.onnx", "onnx/model.onnx_data"]);
    expect(await readFile(join(workDir, "onnx", "model.onnx_data"))).toEqual(data);
  });

  it("keeps files already present", async () => {
    const server = await start({ "Xenova/roberta-large": transformersJsRepo() });
    const options = { repo: "Xenova/roberta-large", variant: "quantized" as const, endpoint: server.endpoint, modelDir: workDir };
    await fetchModel(options);
    server.requests.length = 0;

    const again = await fetchModel(options);
    expect(again.files.map((file) => file.outcome)).toEqual(["already_present", "already_present", "already_present", "already_present"]);
    expect(server.requests.filter((request) => request.method === "GET")).toEqual([]);
  });

  it("replaces a corrupted local file", async () => {
    const server = await start({ "Xenova/roberta-large": transformersJsRepo() });
    const options = { repo: "Xenova/roberta-large", variant: "quantized" as const, endpoint: server.endpoint, modelDir: workDir };
    await fetchModel(options);
    const corrupted = Buffer.from(ONNX_BYTES);
    corrupted[1000] = (corrupted[1000] ?? 0) ^ 0xff;
    await writeFile(join(workDir, "onnx", "model_quantized.onnx"), corrupted);

    const again = await fetchModel(options);
    expect(again.files[0]?.outcome).toBe("downloaded");
    expect(await readFile(join(workDir, "onnx", "model_quantized.onnx"))).toEqual(ONNX_BYTES);
  });
});

describe("fetchModel resume", () => {
  it("resumes after an interrupted download", async () => {
    const server = await start({ "Xenova/roberta-large": transformersJsRepo() });
    const options = { repo: "Xenova/roberta-large", variant: "quantized" as const, endpoint: server.endpoint, modelDir: workDir, retries: 0 };
    server.interrupt("onnx/model_quantized.onnx", 120_000, 1);

    const first = await fetchModel(options).catch((error: unknown) => error);
    expect(first).toBeInstanceOf(HubRequestError);
    expect((first as HubRequestError).retryable).toBe(true);
    expect((first as Error).message).toMatch(
      /^Download of onnx\/model_quantized\.onnx was interrupted after \d+ of 300000 bytes \(.+\); run the command again to resume\.$/,
    );
    const partPath = join(workDir, "onnx", "model_quantized.onnx.part");
    const partSize = (await stat(partPath)).size;
    expect(partSize).toBeGreaterThan(0);
    expect(partSize).toBeLessThanOrEqual(120_000);
    expect(await exists(join(workDir, "onnx", "model_quantized.onnx"))).toBe(false);

    server.requests.length = 0;
    const second = await fetchModel(options);
    expect(second.files[0]?.outcome).toBe("resumed");
    const onnxGets = server.requests.filter((request) => request.method === "GET" && request.path.startsWith("/cdn/"));
    expect(onnxGets.map((request) => request.range)).toEqual([`bytes=${partSize}-`]);
    expect(await readFile(join(workDir, "onnx", "model_quantized.onnx"))).toEqual(ONNX_BYTES);
    expect(await exists(partPath)).toBe(false);
  });

  it("retries within one call", async () => {
    const server = await start({ "Xenova/roberta-large": transformersJsRepo() });
    server.interrupt("onnx/model_quantized.onnx", 100_000, 2);
    const result = await fetchModel({
      repo: "Xenova/roberta-large",
      variant: "quantized",
      endpoint: server.endpoint,
      modelDir: workDir,
      retries: 2,
      retryDelayMs: 0,
    });
    expect(result.files[0]?.outcome).toBe("resumed");
    const ranges = server.requests.filter((request) => request.method === "GET" && request.path.startsWith("/cdn/")).map((request) => request.range);
    expect(ranges.length).toBe(3);
    expect(ranges[0]).toBeUndefined();
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
    expect(await readFile(join(workDir, "onnx", "model_quantized.onnx"))).toEqual(ONNX_BYTES);
  });

  it("restarts when the part is too long", async () => {
    const server = await start({ "Xenova/roberta-large": transformersJsRepo() });
    await mkdir(join(workDir, "onnx"), { recursive: true });
    await writeFile(join(workDir, "onnx", "model_quantized.onnx.part"), pseudoRandomBytes(400_000, 1));
    const result = await fetchModel({ repo: "Xenova/roberta-large", variant: "quantized", endpoint: server.endpoint, modelDir: workDir });
    expect(result.files[0]?.outcome).toBe("downloaded");
    expect(await readFile(join(workDir, "onnx", "model_quantized.onnx"))).toEqual(ONNX_BYTES);
  });
});

describe("fetchModel server errors", () => {
  it("retries a 503 answer", async () => {
    const server = await start({ "Xenova/roberta-large": transformersJsRepo() });
    server.failNext(503, 2);
    const result = await fetchModel({
      repo: "Xenova/roberta-large",
      variant: "quantized",
      endpoint: server.endpoint,
      modelDir: workDir,
      retries: 2,
      retryDelayMs: 0,
    });
    expect(result.files.length).toBe(4);
    expect(server.requests.slice(0, 3).map((request) => request.path)).toEqual([
      "/Xenova/roberta-large/resolve/main/onnx/model_quantized.onnx",
      "/Xenova/roberta-large/resolve/main/onnx/model_quantized.onnx",
      "/Xenova/roberta-large/resolve/main/onnx/model_quantized.onnx",
    ]);
  });

  it("gives up after the retries", async () => {
    const server = await start({ "Xenova/roberta-large": transformersJsRepo() });
    server.failNext(503, 2);
    const error = await fetchModel({
      repo: "Xenova/roberta-large",
      variant: "quantized",
      endpoint: server.endpoint,
      modelDir: workDir,
      retries: 1,
      retryDelayMs: 0,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubRequestError);
    expect((error as HubRequestError).status).toBe(503);
    expect((error as HubRequestError).retryable).toBe(true);
    expect((error as Error).message).toBe(
      `${server.endpoint}/Xenova/roberta-large/resolve/main/onnx/model_quantized.onnx returned HTTP 503; retry later.`,
    );
  });

  it("reports an unreachable endpoint", async () => {
    const server = await start({});
    const endpoint = server.endpoint;
    await server.close();
    hub = undefined;
    const run = fetchModel({ repo: "a/b", endpoint, modelDir: workDir, retries: 0 });
    await expect(run).rejects.toThrow(
      new RegExp(`^HEAD ${endpoint}/a/b/resolve/main/onnx/model\\.onnx failed: .*ECONNREFUSED.*; check the network connection and the endpoint\\.$`),
    );
  });
});

describe("fetchModel integrity", () => {
  it("rejects a checksum mismatch", async () => {
    const wrong = "f".repeat(64);
    const server = await start({
      "Xenova/roberta-large": transformersJsRepo({ "onnx/model_quantized.onnx": { content: ONNX_BYTES, lfs: true, etag: wrong } }),
    });
    const error = await fetchModel({ repo: "Xenova/roberta-large", variant: "quantized", endpoint: server.endpoint, modelDir: workDir }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HubIntegrityError);
    expect((error as Error).message).toBe(
      `onnx/model_quantized.onnx has sha256 ${sha256(ONNX_BYTES)}, but the Hub reported ${wrong} for it (in its ETag): the transfer was corrupted or the file changed on the Hub during the download. The partial file was deleted; run the command again to download it anew.`,
    );
    expect(await exists(join(workDir, "onnx", "model_quantized.onnx"))).toBe(false);
    expect(await exists(join(workDir, "onnx", "model_quantized.onnx.part"))).toBe(false);
  });

  it("rejects a git blob id mismatch", async () => {
    const server = await start({
      "Xenova/roberta-large": transformersJsRepo({ "config.json": { content: CONFIG, etag: "0".repeat(40) } }),
    });
    const run = fetchModel({ repo: "Xenova/roberta-large", variant: "quantized", endpoint: server.endpoint, modelDir: workDir });
    await expect(run).rejects.toBeInstanceOf(HubIntegrityError);
    await expect(run).rejects.toThrow(/^config\.json has git-sha1 [0-9a-f]{40}, but the Hub reported 0{40} for it/);
  });

  it("rejects a size mismatch", async () => {
    const server = await start({
      "Xenova/roberta-large": transformersJsRepo({ "tokenizer.json": { content: TOKENIZER, reportedSize: 10, etag: "not-a-checksum" } }),
    });
    const run = fetchModel({ repo: "Xenova/roberta-large", variant: "quantized", endpoint: server.endpoint, modelDir: workDir });
    await expect(run).rejects.toBeInstanceOf(HubIntegrityError);
    await expect(run).rejects.toThrow(
      `tokenizer.json has ${TOKENIZER.length} bytes after the download, but the Hub reported 10; the partial file was deleted, so run the command again to download it anew.`,
    );
  });
});

describe("fetchModel missing files", () => {
  it("lists the ONNX paths tried", async () => {
    const server = await start({
      "FacebookAI/roberta-large": {
        "config.json": { content: CONFIG },
        "tokenizer.json": { content: TOKENIZER },
        "tokenizer_config.json": { content: TOKENIZER_CONFIG },
      },
    });
    const error = await fetchModel({ repo: "FacebookAI/roberta-large", endpoint: server.endpoint, modelDir: workDir }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OnnxExportNotFoundError);
    expect((error as OnnxExportNotFoundError).triedPaths).toEqual(["onnx/model.onnx", "model.onnx"]);
    expect((error as Error).message).toBe(
      'FacebookAI/roberta-large at revision "main" has no ONNX export for variant "fp32": tried onnx/model.onnx and model.onnx. Export it yourself with `optimum-cli export onnx --model FacebookAI/roberta-large --task fill-mask DIR` and pass DIR as the model directory, or fetch a repository that contains an ONNX export (for example a transformers.js repository such as Xenova/roberta-large) with --repo.',
    );
    expect(await readdir(workDir)).toEqual([]);
  });

  it("rejects a missing tokenizer file", async () => {
    const files = transformersJsRepo();
    delete files["tokenizer.json"];
    const server = await start({ "Xenova/roberta-large": files });
    const run = fetchModel({ repo: "Xenova/roberta-large", variant: "quantized", endpoint: server.endpoint, modelDir: workDir });
    await expect(run).rejects.toBeInstanceOf(HubNotFoundError);
    await expect(run).rejects.toThrow(
      'Xenova/roberta-large at revision "main" has onnx/model_quantized.onnx but no tokenizer.json, which the engine needs;',
    );
  });

  it("reports a missing repository", async () => {
    const server = await start({});
    const run = fetchModel({ repo: "nobody/nothing", endpoint: server.endpoint, modelDir: workDir });
    await expect(run).rejects.toBeInstanceOf(HubNotFoundError);
    await expect(run).rejects.toThrow(
      `${server.endpoint}/nobody/nothing/resolve/main/onnx/model.onnx returned HTTP 404: the repository does not exist; check the repository id and --revision.`,
    );
  });

  it("reports a missing revision", async () => {
    const server = await start({ "Xenova/roberta-large": transformersJsRepo() });
    const run = fetchModel({ repo: "Xenova/roberta-large", revision: "v9", endpoint: server.endpoint, modelDir: workDir });
    await expect(run).rejects.toThrow("returned HTTP 404: the revision does not exist; check the repository id and --revision.");
  });
});

describe("fetchModel authentication", () => {
  const token = "hf_secretTestToken123";

  it("rejects a missing token with 401", async () => {
    const server = await start({ "acme/private": transformersJsRepo() }, token);
    const error = await fetchModel({ repo: "acme/private", variant: "quantized", endpoint: server.endpoint, modelDir: workDir }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HubAuthError);
    expect((error as HubAuthError).status).toBe(401);
    expect((error as Error).message).toBe(
      `${server.endpoint}/acme/private/resolve/main/onnx/model_quantized.onnx returned HTTP 401 (unauthorized): the repository is private or gated, or does not exist; set HF_TOKEN to an access token that can read it.`,
    );
  });

  it("rejects a wrong token without echoing it", async () => {
    const server = await start({ "acme/private": transformersJsRepo() }, token);
    const error = await fetchModel({
      repo: "acme/private",
      variant: "quantized",
      endpoint: server.endpoint,
      modelDir: workDir,
      token: "hf_wrongToken456",
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HubAuthError);
    expect((error as Error).message).toContain("the token in HF_TOKEN was rejected");
    expect((error as Error).message).not.toContain("hf_wrongToken456");
  });

  it("sends the token as a bearer token", async () => {
    const server = await start({ "acme/private": transformersJsRepo() }, token);
    const result = await fetchModel({ repo: "acme/private", variant: "quantized", endpoint: server.endpoint, modelDir: workDir, token });
    expect(result.files.length).toBe(4);
    const resolves = server.requests.filter((request) => request.path.includes("/resolve/"));
    expect(resolves.every((request) => request.authorization === `Bearer ${token}`)).toBe(true);
    expect(await readFile(join(workDir, "maskfill.json"), "utf8")).not.toContain(token);
  });
});

describe("fetchModel options", () => {
  it.each([
    [{ repo: "not a repo", modelDir: "x" }, "repo must be a Hub repository id such as FacebookAI/roberta-large"],
    [{ repo: "a/../b", modelDir: "x" }, "repo must be a Hub repository id such as FacebookAI/roberta-large"],
    [{ repo: "a/b", modelDir: "x", endpoint: "ftp://example" }, "endpoint must be an http or https URL"],
    [{ repo: "a/b", modelDir: "x", variant: "int4" }, 'variant must be "fp32", "quantized" or "fp16"'],
    [{ repo: "a/b", modelDir: "x", retries: -1 }, "retries must be at least 0"],
    [{ repo: "a/b", modelDir: "" }, "modelDir must not be empty"],
  ])("rejects %j", async (options, message) => {
    const run = fetchModel(options as Parameters<typeof fetchModel>[0]);
    await expect(run).rejects.toBeInstanceOf(HubOptionsError);
    await expect(run).rejects.toThrow(message);
  });
});
