"use client";

import Link from "next/link";
import { useState } from "react";
import { useI18n } from "../../i18n/client.tsx";
import { useEventSourceJson } from "../../hooks/useEventSourceJson.ts";
import type { JobView } from "../../lib/api-types.ts";
import { formatCount, formatDuration, formatTime } from "../../lib/format.ts";
import { JOB_SOURCES, JOB_STATUSES } from "../../lib/schemas.ts";
import type { MessageKey } from "../../i18n/translate.ts";
import { ProgressBar } from "../ProgressBar.tsx";
import { StateMessage } from "../StateMessage.tsx";
import { StatusBadge, statusLabelKey } from "../StatusBadge.tsx";
import { JobActions } from "./JobActions.tsx";
import { jobKindLabel } from "./kind-label.ts";

const PAGE = 25;
const MAX_ROWS = 500;

const SOURCE_LABELS: Record<JobView["source"], MessageKey> = { sentence: "jobs.sourceSentence", corpus: "jobs.sourceCorpus" };

/**
 * Newest jobs with live progress from the /api/jobs/events stream. "Load more" widens the live
 * window by one page, up to 500 jobs; older jobs are reachable through the API's cursor.
 */
export function JobsTable() {
  const { locale, t } = useI18n();
  const [status, setStatus] = useState("");
  const [source, setSource] = useState("");
  const [limit, setLimit] = useState(PAGE);
  const query = new URLSearchParams({ limit: String(limit) });
  if (status !== "") query.set("status", status);
  if (source !== "") query.set("source", source);
  const { data, connected } = useEventSourceJson<{ jobs: JobView[]; hasMore: boolean }>(`/api/jobs/events?${query.toString()}`);
  const none = t("common.none");

  return (
    <section className="panel">
      <div className="row">
        <label className="row" style={{ margin: 0 }}>
          <span>{t("jobs.status")}</span>
          <select value={status} onChange={(event) => setStatus(event.target.value)} style={{ width: "auto" }} data-testid="status-filter">
            <option value="">{t("jobs.allStatuses")}</option>
            {JOB_STATUSES.map((name) => (
              <option key={name} value={name}>{t(statusLabelKey(name) ?? "jobs.status")}</option>
            ))}
          </select>
        </label>
        <label className="row" style={{ margin: 0 }}>
          <span>{t("jobs.source")}</span>
          <select value={source} onChange={(event) => setSource(event.target.value)} style={{ width: "auto" }} data-testid="source-filter">
            <option value="">{t("jobs.allSources")}</option>
            {JOB_SOURCES.map((name) => (
              <option key={name} value={name}>{t(SOURCE_LABELS[name])}</option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <span className={connected ? "ok-text" : "hint"} data-testid="live">{connected ? t("jobs.liveOn") : t("jobs.liveOff")}</span>
      </div>
      {data === null && <StateMessage kind="loading">{t("common.loading")}</StateMessage>}
      {data !== null && data.jobs.length === 0 && <StateMessage kind="empty">{t("jobs.empty")}</StateMessage>}
      {data !== null && data.jobs.length > 0 && (
        <div className="table-wrap">
          <table data-testid="jobs-table">
            <thead>
              <tr>
                <th className="hide-narrow">{t("jobs.kind")}</th>
                <th>{t("jobs.source")}</th>
                <th>{t("jobs.status")}</th>
                <th>{t("jobs.progress")}</th>
                <th className="num hide-narrow">{t("jobs.throughput")}</th>
                <th className="num hide-narrow">{t("jobs.eta")}</th>
                <th className="hide-narrow">{t("jobs.created")}</th>
                <th className="hide-narrow">{t("jobs.finished")}</th>
                <th>{t("jobs.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {data.jobs.map((job) => (
                <tr key={job.id} data-testid="job-row" data-job-id={job.id} data-status={job.status}>
                  <td className="nowrap hide-narrow">{t(jobKindLabel(job.kind))}</td>
                  <td>
                    <div>{t(SOURCE_LABELS[job.source])}</div>
                    {job.fileName && <div className="hint">{job.fileName}</div>}
                    {job.sentence && <div className="hint clip" title={job.sentence}>{job.sentence}</div>}
                  </td>
                  <td><StatusBadge status={job.status} t={t} /></td>
                  <td className="progress-cell">
                    <ProgressBar done={job.done} failed={job.failed} total={job.total} locale={locale} t={t} />
                    <div className="hint" data-testid="job-counts">{t("jobs.itemsValue", { done: formatCount(job.done, locale), failed: formatCount(job.failed, locale), total: formatCount(job.total, locale) })}</div>
                  </td>
                  <td className="num hide-narrow">{job.throughput === null ? none : t("common.perSecond", { value: formatCount(Math.round(job.throughput * 10) / 10, locale) })}</td>
                  <td className="num hide-narrow">{job.etaSeconds === null ? none : formatDuration(job.etaSeconds)}</td>
                  <td className="hide-narrow nowrap">{formatTime(job.createdAt, locale)}</td>
                  <td className="hide-narrow nowrap">{formatTime(job.finishedAt, locale)}</td>
                  <td>
                    <div className="row">
                      <Link href={`/jobs/${job.id}`}>{t("jobs.view")}</Link>
                      <JobActions job={job} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data?.hasMore && limit < MAX_ROWS && (
        <button type="button" onClick={() => setLimit((current) => Math.min(current + PAGE, MAX_ROWS))}>{t("jobs.loadMore")}</button>
      )}
    </section>
  );
}
