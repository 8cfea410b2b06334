import { describe, expect, it } from "vitest";
import { expectCorpusSurvivesFault, useFaultStack } from "./support/mid-corpus.ts";

const stack = useFaultStack(["first", "second"]);

describe("Postgres restarted mid-corpus", () => {
  it("retries the writes with nothing duplicated or lost", async () => {
    await expectCorpusSurvivesFault(stack(), () => stack().postgres.restart(2_000));
  });

  it("keeps sign-in working after the restart", async () => {
    const answer = await stack().api<{ user: { username: string } }>("/api/auth/me");
    expect(answer.status).toBe(200);
    expect(answer.body.user.username).toBe("fault-admin");
  });
});
