"use client";

import { useEffect, useRef, useState } from "react";
import { useI18n } from "../../i18n/client.tsx";
import { useEventSourceJson } from "../../hooks/useEventSourceJson.ts";
import type { JobView } from "../../lib/api-types.ts";
import { formatBytes, formatCount, formatDuration, formatTime } from "../../lib/format.ts";
import { JobActions } from "../jobs/JobActions.tsx";
import { jobKindLabel } from "../jobs/kind-label.ts";
import { ProgressBar } from "../ProgressBar.tsx";
import { StateMessage } from "../StateMessage.tsx";
import { StatusBadge } from "../StatusBadge.tsx";
import { ResultsBrowser } from "./ResultsBrowser.tsx";
import { ScoreJobView } from "../scoring/ScoreJobView.tsx";

/** Shows one job's live summary and its results; the results reload when the job's counts change. */
export function JobDetail({ jobId }: { jobId: string }) {
  const { locale, t } = useI18n();
  const { data, closed } = useEventSourceJson<{ job: JobView | null; error?: string }>(`/api/jobs/${jobId}/events`);
  const job = data?.job ?? null;
  const [refreshKey, setRefreshKey] = useState(0);
  const lastCounts = useRef("");

  useEffect(() => {
    if (job === null) return;
    const counts = `${job.done}/${job.failed}/${job.status}`;
    if (lastCounts.current !== "" && lastCounts.current !== counts) setRefreshKey((key) => key + 1);
    lastCounts.current = counts;
  }, [job]);

  const none = t("common.none");
  return (
    <>
      <h1>{t("results.title", { id: jobId.slice(0, 8) })}</h1>
      {data === null && !closed && <StateMessage kind="loading">{t("common.loading")}</StateMessage>}
      {/* The stream closes for good when the server answers 404 (unknown id) or 400 (malformed id). */}
      {data === null && closed && <StateMessage kind="error">{t("errors.jobNotFound", { id: jobId })}</StateMessage>}
      {data !== null && job === null && <StateMessage kind="error">{data.error ?? t("errors.jobNotFound", { id: jobId })}</StateMessage>}
      {job !== null && (
        <section className="panel" data-testid="job-summary" data-status={job.status}>
          <div className="row">
            <StatusBadge status={job.status} t={t} />
            <div className="grow"><ProgressBar done={job.done} failed={job.failed} total={job.total} locale={locale} t={t} /></div>
            <JobActions job={job} />
          </div>
          <dl className="dl" style={{ marginTop: 12 }}>
            <dt>{t("jobs.kind")}</dt>
            <dd>{t(jobKindLabel(job.kind))}</dd>
            <dt>{t("jobs.source")}</dt>
            <dd>{job.fileName === null ? t("jobs.sourceSentence") : `${job.fileName}${job.fileSize === null ? "" : ` (${formatBytes(job.fileSize, locale)})`}`}</dd>
            {job.sentence !== null && (
              <>
                <dt>{t("results.text")}</dt>
                <dd>{job.sentence}</dd>
              </>
            )}
            <dt>{t("jobs.items")}</dt>
            <dd data-testid="job-counts">{t("jobs.itemsValue", { done: formatCount(job.done, locale), failed: formatCount(job.failed, locale), total: formatCount(job.total, locale) })}</dd>
            <dt>{t("results.options")}</dt>
            <dd>{job.kind === "score" ? t("scoring.optionsVariant", { variant: job.options.variant ?? "original" }) : job.options.targets === null ? t("results.optionsValue", { topK: job.options.topK }) : t("results.optionsTargets", { topK: job.options.topK, targets: job.options.targets.join(", ") })}</dd>
            <dt>{t("results.model")}</dt>
            <dd>{job.model ?? none}</dd>
            <dt>{t("jobs.throughput")}</dt>
            <dd>{job.throughput === null ? none : t("common.perSecond", { value: formatCount(Math.round(job.throughput * 10) / 10, locale) })}</dd>
            <dt>{t("jobs.eta")}</dt>
            <dd>{job.etaSeconds === null ? none : formatDuration(job.etaSeconds)}</dd>
            <dt>{t("jobs.created")}</dt>
            <dd>{formatTime(job.createdAt, locale)}</dd>
            <dt>{t("jobs.finished")}</dt>
            <dd>{formatTime(job.finishedAt, locale)}</dd>
            {job.error && (
              <>
                <dt>{t("results.error")}</dt>
                <dd className="error-text">{job.error}</dd>
              </>
            )}
          </dl>
        </section>
      )}
      {job !== null && job.kind === "score" && <ScoreJobView jobId={jobId} refreshKey={refreshKey} />}
      {job !== null && job.kind !== "score" && <ResultsBrowser jobId={jobId} refreshKey={refreshKey} />}
    </>
  );
}
