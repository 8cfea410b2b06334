import { describe, expect, it } from "vitest";
import { scoreFilterQuery } from "../../src/components/scoring/score-filters.ts";

describe("scoreFilterQuery", () => {
  it("lists failed rows in line order", () => {
    expect(scoreFilterQuery({ q: "", status: "failed", sort: "pppl_asc" }).toString()).toBe("sort=line&status=failed");
  });

  it("lists pending rows in line order", () => {
    expect(scoreFilterQuery({ q: " cat ", status: "pending", sort: "pppl_desc" }).toString()).toBe("sort=line&q=cat&status=pending");
  });

  it("keeps PPPL order for scored rows", () => {
    expect(scoreFilterQuery({ q: "", status: "completed", sort: "pppl_desc" }).toString()).toBe("sort=pppl_desc&status=completed");
    expect(scoreFilterQuery({ q: "", status: "", sort: "pppl_asc" }).toString()).toBe("sort=pppl_asc");
  });
});
