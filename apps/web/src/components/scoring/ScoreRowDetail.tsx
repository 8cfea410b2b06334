"use client";

import { useEffect, useState } from "react";
import { useI18n } from "../../i18n/client.tsx";
import { fetchJson } from "../../lib/api-client.ts";
import type { ScoreDetailView, ScoreRowView } from "../../lib/score-types.ts";
import { StateMessage } from "../StateMessage.tsx";
import { TokenHeatmap } from "./TokenHeatmap.tsx";

/** Loads one row's per-token values and shows its heatmap; an unscored row shows why there is none. */
export function ScoreRowDetail({ jobId, row }: { jobId: string; row: ScoreRowView }) {
  const { locale, t } = useI18n();
  const [detail, setDetail] = useState<ScoreDetailView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (row.score === null) return;
    let stale = false;
    fetchJson<ScoreDetailView>(`/api/jobs/${jobId}/scores/${row.lineNumber}`, {}, t("common.networkError"))
      .then((body) => {
        if (!stale) setDetail(body);
      })
      .catch((caught: unknown) => {
        if (!stale) setError(caught instanceof Error ? caught.message : String(caught));
      });
    return () => {
      stale = true;
    };
  }, [jobId, row.lineNumber, row.score, t]);

  if (row.score === null) return <StateMessage kind="empty">{row.status === "failed" ? t("scoring.rowFailed") : t("scoring.rowPending")}</StateMessage>;
  if (error !== null) return <StateMessage kind="error">{error}</StateMessage>;
  if (detail === null) return <StateMessage kind="loading">{t("common.loading")}</StateMessage>;
  return (
    <div data-testid="score-detail">
      <p className="hint">{t("scoring.detailHint", { variant: detail.row.score?.variant ?? "", model: detail.row.model ?? t("common.none") })}</p>
      <TokenHeatmap tokens={detail.tokens} locale={locale} t={t} label={t("scoring.heatmapLabel", { text: row.text })} />
    </div>
  );
}
