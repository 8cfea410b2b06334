import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "@maskfill/core/queue";
import { InferenceClient } from "../src/inference/inference-client.ts";
import { ModelManager } from "../src/service/model-manager.ts";
import { TINY_MODEL_DIR } from "./helpers.ts";

const SETTINGS = { executionProvider: "cpu", tokenBudget: 4096, intraOpThreads: 1, threadSpinning: false } as const;

describe("ModelManager", () => {
  let client: InferenceClient;
  let statuses: string[];
  let models: ModelManager;

  beforeEach(() => {
    client = new InferenceClient();
    statuses = [];
    models = new ModelManager(client, SETTINGS, createLogger("test-models", "silent"), () => statuses.push(models.status));
  });

  afterEach(async () => {
    await client.close();
  });

  it("stays loading while a fallback follows", async () => {
    expect(await models.load({ modelDir: "/nonexistent/stored-model" }, { fallbackFollows: true })).toBe(false);
    expect(models.status).toBe("loading");
    expect(models.error).toContain("/nonexistent/stored-model");

    expect(await models.load({ modelDir: TINY_MODEL_DIR })).toBe(true);
    expect(statuses).toEqual(["loading", "loading", "loading", "ready"]);
    expect(models.error).toBeNull();
  });

  it("reports error when no fallback follows", async () => {
    expect(await models.load({ modelDir: "/nonexistent/model" })).toBe(false);
    expect(statuses).toEqual(["loading", "error"]);
  });
});
