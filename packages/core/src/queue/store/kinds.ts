import type { JobKind } from "../catalog.ts";

/** Database enum value (`job_kind`) of each inference kind. */
export const DB_KIND = { "fill-mask": "fill_mask", score: "scoring" } as const satisfies Record<JobKind, string>;

/** Inference kind of a `job_kind` database value. */
export function kindFromDb(value: "fill_mask" | "scoring"): JobKind {
  return value === "fill_mask" ? "fill-mask" : "score";
}
