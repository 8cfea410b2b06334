"use client";

import { useEffect, useRef, useState } from "react";
import { useI18n } from "../../i18n/client.tsx";
import { fetchJson } from "../../lib/api-client.ts";
import type { ScoreSummaryView } from "../../lib/score-types.ts";
import { formatCount } from "../../lib/format.ts";
import { StateMessage } from "../StateMessage.tsx";
import { PpplHistogram } from "./PpplHistogram.tsx";
import { formatScore } from "./surprisal.ts";
import "./scoring.css";

/** Minimum time between two summary requests of one panel, in milliseconds. */
const SUMMARY_INTERVAL_MS = 5_000;

/** Shows a score job's corpus PPPL, PPPL quantiles and histogram; reloads when `refreshKey` changes. */
export function ScoreSummaryPanel({ jobId, refreshKey }: { jobId: string; refreshKey: number }) {
  const { locale, t } = useI18n();
  const [summary, setSummary] = useState<ScoreSummaryView | null>(null);
  const [error, setError] = useState<string | null>(null);

  const lastLoad = useRef(0);

  // The summary scans all of the job's scored rows (about 1.4 s for a million rows on a 2-core
  // machine), so while a job runs it reloads at most every SUMMARY_INTERVAL_MS. The last change
  // still gets a reload, after the interval.
  useEffect(() => {
    let stale = false;
    const load = () => {
      lastLoad.current = Date.now();
      fetchJson<ScoreSummaryView>(`/api/jobs/${jobId}/scores/summary?bins=20`, {}, t("common.networkError"))
        .then((body) => {
          if (stale) return;
          setSummary(body);
          setError(null);
        })
        .catch((caught: unknown) => {
          if (!stale) setError(caught instanceof Error ? caught.message : String(caught));
        });
    };
    const wait = Math.max(0, lastLoad.current + SUMMARY_INTERVAL_MS - Date.now());
    const timer = setTimeout(load, wait);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [jobId, refreshKey, t]);

  const distribution = summary?.pseudoPerplexity ?? null;
  const median = distribution?.quantiles.find((entry) => entry.quantile === 0.5)?.value;
  return (
    <section className="panel" data-testid="score-summary">
      <h2>{t("scoring.summaryTitle")}</h2>
      {error !== null && <StateMessage kind="error">{error}</StateMessage>}
      {summary === null && error === null && <StateMessage kind="loading">{t("common.loading")}</StateMessage>}
      {summary !== null && distribution === null && <StateMessage kind="empty">{t("scoring.summaryEmpty")}</StateMessage>}
      {summary !== null && distribution !== null && (
        <>
          <dl className="score-stats">
            <div>
              <dt>{t("scoring.corpusPppl")}</dt>
              <dd data-testid="corpus-pppl">{formatScore(summary.corpusPseudoPerplexity, locale)}</dd>
            </div>
            <div>
              <dt>{t("scoring.sentences")}</dt>
              <dd data-testid="summary-sentences">{formatCount(summary.sentences, locale)}</dd>
            </div>
            <div>
              <dt>{t("scoring.tokens")}</dt>
              <dd data-testid="summary-tokens">{formatCount(summary.tokens, locale)}</dd>
            </div>
            <div>
              <dt>{t("scoring.medianPppl")}</dt>
              <dd>{formatScore(median, locale)}</dd>
            </div>
            <div>
              <dt>{t("scoring.meanPppl")}</dt>
              <dd>{formatScore(distribution.mean, locale)}</dd>
            </div>
            <div>
              <dt>{t("scoring.rangePppl")}</dt>
              <dd>{`${formatScore(distribution.min, locale)} – ${formatScore(distribution.max, locale)}`}</dd>
            </div>
          </dl>
          <h3>{t("scoring.histogramTitle")}</h3>
          <PpplHistogram bins={distribution.histogram} locale={locale} t={t} />
        </>
      )}
    </section>
  );
}
