import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { DeferredSession } from "../../src/prepare/deferred-session.ts";
import { TINY_DIR } from "./helpers.ts";

const MODEL = join(TINY_DIR, "model.onnx");

function feeds(): Record<string, ort.Tensor> {
  const ids = BigInt64Array.of(0n, 50n, 4n, 2n);
  return { input_ids: new ort.Tensor("int64", ids, [1, 4]), attention_mask: new ort.Tensor("int64", new BigInt64Array(4).fill(1n), [1, 4]) };
}

describe("DeferredSession", () => {
  it("creates the session on first run only", async () => {
    let created = 0;
    const create = async () => {
      created += 1;
      return ort.InferenceSession.create(MODEL);
    };
    const template = await ort.InferenceSession.create(MODEL);
    const deferred = await DeferredSession.replace(template, create);
    expect(deferred.inputNames).toEqual(["input_ids", "attention_mask"]);
    expect(deferred.outputNames).toEqual(["logits"]);
    expect(deferred.loaded).toBe(false);
    expect(created).toBe(0);

    const first = await deferred.run(feeds());
    const second = await deferred.run(feeds(), ["logits"]);
    expect(created).toBe(1);
    expect(deferred.loaded).toBe(true);
    expect(first.logits!.dims).toEqual([1, 4, 1000]);
    expect(Array.from(second.logits!.data as Float32Array)).toEqual(Array.from(first.logits!.data as Float32Array));

    await deferred.release();
    await deferred.release();
    await expect(deferred.run(feeds())).rejects.toThrow("The deferred onnxruntime session was released");
  });

  it("retries a failed creation", async () => {
    let attempts = 0;
    const template = await ort.InferenceSession.create(MODEL);
    const deferred = await DeferredSession.replace(template, async () => {
      attempts += 1;
      if (attempts === 1) {
        throw new Error("out of memory");
      }
      return ort.InferenceSession.create(MODEL);
    });
    await expect(deferred.run(feeds())).rejects.toThrow("out of memory");
    const output = await deferred.run(feeds());
    expect(output.logits!.dims).toEqual([1, 4, 1000]);
    expect(attempts).toBe(2);
    await deferred.release();
  });
});
