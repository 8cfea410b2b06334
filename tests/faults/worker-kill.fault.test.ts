import { describe, it } from "vitest";
import { expectCorpusSurvivesFault, useFaultStack } from "./support/mid-corpus.ts";

const stack = useFaultStack(["victim", "survivor"]);

describe("worker killed mid-corpus", () => {
  it("completes every item exactly once", async () => {
    await expectCorpusSurvivesFault(stack(), () => stack().killWorker("victim"));
  });
});
