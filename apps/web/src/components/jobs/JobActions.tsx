"use client";

import { useState } from "react";
import { useI18n } from "../../i18n/client.tsx";
import { fetchJson } from "../../lib/api-client.ts";
import type { JobView } from "../../lib/api-types.ts";

/**
 * Cancel, retry-failed and resume buttons of one job, with the outcome shown inline. Resume
 * appears on a cancelled or failed corpus job that has items that never ran. Both buttons call
 * the retry endpoint, which queues the failed items and those that never ran.
 */
export function JobActions({ job }: { job: JobView }) {
  const { t } = useI18n();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const active = job.status === "queued" || job.status === "running";
  const neverRun = job.total - job.done - job.failed;
  const resumable = job.source === "corpus" && (job.status === "cancelled" || job.status === "failed") && neverRun > 0;

  async function run(action: "cancel" | "retry"): Promise<void> {
    setPending(true);
    try {
      const body = await fetchJson<{ retried?: number }>(`/api/jobs/${job.id}/${action}`, { method: "POST", body: "{}" }, t("common.networkError"));
      setMessage({ ok: true, text: action === "cancel" ? t("jobs.cancelDone") : t("jobs.retryDone", { count: body.retried ?? 0 }) });
    } catch (error) {
      setMessage({ ok: false, text: error instanceof Error ? error.message : String(error) });
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="row">
      {active && (
        <button type="button" disabled={pending} onClick={() => void run("cancel")} data-testid="cancel-job">{t("jobs.cancel")}</button>
      )}
      {!active && job.failed > 0 && !resumable && (
        <button type="button" disabled={pending} onClick={() => void run("retry")} data-testid="retry-job">{t("jobs.retryFailed")}</button>
      )}
      {resumable && (
        <button type="button" disabled={pending} onClick={() => void run("retry")} data-testid="resume-job">{t("jobs.resume")}</button>
      )}
      {message && <span className={message.ok ? "ok-text" : "error-text"} role="status">{message.text}</span>}
    </div>
  );
}
