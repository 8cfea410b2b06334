import type { ScoreSort } from "../../lib/score-schemas.ts";

/** Item statuses that the score table can filter on; "" lists every row. */
export const SCORE_ITEM_STATUSES = ["pending", "completed", "failed"] as const;

/** Filters of the score table, as the form stores them. */
export interface ScoreFilters {
  q: string;
  status: "" | (typeof SCORE_ITEM_STATUSES)[number];
  sort: ScoreSort;
}

/**
 * Builds the query string of the score table's filters; empty filters are left out. Only scored
 * rows have a PPPL, so the PPPL orders would list no pending or failed row: with those statuses
 * the rows come in line order instead.
 */
export function scoreFilterQuery(filters: ScoreFilters): URLSearchParams {
  const unscored = filters.status === "pending" || filters.status === "failed";
  const query = new URLSearchParams({ sort: unscored ? "line" : filters.sort });
  if (filters.q.trim() !== "") query.set("q", filters.q.trim());
  if (filters.status !== "") query.set("status", filters.status);
  return query;
}
