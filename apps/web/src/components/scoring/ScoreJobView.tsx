"use client";

import { ScoreSummaryPanel } from "./ScoreSummaryPanel.tsx";
import { ScoreTable } from "./ScoreTable.tsx";

/** The results part of a score job's page: corpus summary with histogram, then the sortable table. */
export function ScoreJobView({ jobId, refreshKey }: { jobId: string; refreshKey: number }) {
  return (
    <>
      <ScoreSummaryPanel jobId={jobId} refreshKey={refreshKey} />
      <ScoreTable jobId={jobId} refreshKey={refreshKey} />
    </>
  );
}
