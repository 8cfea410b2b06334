"use client";

import { ScoreSummaryPanel } from "./ScoreSummaryPanel.tsx";
import { ScoreTable } from "./ScoreTable.tsx";

/** Renders the results of a score job: the corpus summary with its histogram, then the sortable table. */
export function ScoreJobView({ jobId, refreshKey }: { jobId: string; refreshKey: number }) {
  return (
    <>
      <ScoreSummaryPanel jobId={jobId} refreshKey={refreshKey} />
      <ScoreTable jobId={jobId} refreshKey={refreshKey} />
    </>
  );
}
