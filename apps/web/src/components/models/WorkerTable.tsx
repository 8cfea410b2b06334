"use client";

import { useI18n } from "../../i18n/client.tsx";
import type { WorkerView } from "../../lib/api-types.ts";
import { formatCompact, formatCount, formatTime } from "../../lib/format.ts";
import { StatusBadge } from "../StatusBadge.tsx";

/** Table of workers; `compact` keeps model, state and throughput only. */
export function WorkerTable({ workers, compact }: { workers: WorkerView[]; compact: boolean }) {
  const { locale, t } = useI18n();
  const none = t("common.none");
  return (
    <div className="table-wrap">
      <table data-testid="worker-table">
        <thead>
          <tr>
            {!compact && <th>{t("models.worker")}</th>}
            <th>{t("models.model")}</th>
            {!compact && <th className="num">{t("models.parameters")}</th>}
            {!compact && <th>{t("models.provider")}</th>}
            <th>{t("models.state")}</th>
            {!compact && <th className="num">{t("models.loadTime")}</th>}
            <th className="num">{t("models.throughput")}</th>
            {!compact && <th className="num">{t("models.processed")}</th>}
            {!compact && <th>{t("models.lastSeen")}</th>}
          </tr>
        </thead>
        <tbody>
          {workers.map((worker) => (
            <tr key={worker.id} data-testid="worker-row">
              {!compact && <td className="mono nowrap">{worker.id}</td>}
              <td>
                <div data-testid="worker-model">{worker.model?.name ?? none}</div>
                {worker.model?.demoModel === true && <span className="badge demo" data-testid="worker-demo-tag">{t("models.demoTag")}</span>}
                {!compact && worker.model && <div className="hint mono">{worker.model.modelDir} ({worker.model.variant})</div>}
              </td>
              {!compact && <td className="num">{worker.model ? formatCompact(worker.model.parameterCount, locale) : none}</td>}
              {!compact && (
                <td>
                  <div>{worker.model?.executionProvider ?? none}</div>
                  {worker.model && <div className="hint">{t("models.deviceValue", { device: worker.model.device })}</div>}
                </td>
              )}
              <td>
                <StatusBadge status={worker.status} t={t} />
                {worker.error && <div className="error-text" data-testid="worker-error">{worker.error}</div>}
              </td>
              {!compact && <td className="num">{worker.loadMs === null ? none : t("common.milliseconds", { value: formatCount(Math.round(worker.loadMs), locale) })}</td>}
              <td className="num">{worker.throughput === null ? none : t("common.perSecond", { value: formatCount(Math.round(worker.throughput * 10) / 10, locale) })}</td>
              {!compact && <td className="num">{formatCount(worker.sentencesProcessed, locale)}</td>}
              {!compact && <td className="nowrap">{formatTime(worker.lastSeenAt, locale)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
