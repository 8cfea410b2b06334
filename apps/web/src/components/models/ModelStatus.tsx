"use client";

import Link from "next/link";
import { useI18n } from "../../i18n/client.tsx";
import { usePolledJson } from "../../hooks/usePolledJson.ts";
import type { WorkersResponse } from "../../lib/api-types.ts";
import { StateMessage } from "../StateMessage.tsx";
import { DemoModelNotice } from "./DemoModelNotice.tsx";
import { WorkerTable } from "./WorkerTable.tsx";

/**
 * Live state of every worker, refreshed every two seconds. The compact form (playground sidebar)
 * lists model, state and throughput; the full form adds every column. Both warn when a worker
 * serves the bundled demo model.
 */
export function ModelStatus({ compact }: { compact: boolean }) {
  const { t } = useI18n();
  const { data, error, loading, refresh } = usePolledJson<WorkersResponse>("/api/workers", 2000, t("common.networkError"));
  const workers = data?.workers ?? [];
  const ready = workers.filter((worker) => worker.status === "ready").length;

  return (
    <section className="panel" data-testid="model-status">
      <div className="row">
        <h2>{compact ? t("models.compactTitle") : t("models.workersTitle")}</h2>
        <span className="spacer" />
        {compact && <Link href="/models">{t("models.details")}</Link>}
      </div>
      {loading && data === null && <StateMessage kind="loading">{t("common.loading")}</StateMessage>}
      {error !== null && (
        <StateMessage kind="error" action={<button type="button" onClick={refresh}>{t("common.retry")}</button>}>
          {error}
        </StateMessage>
      )}
      {data !== null && workers.length === 0 && (
        <StateMessage kind="empty">
          <p>{t("models.noWorkers")}</p>
          <p className="hint">{t("models.howToStart")}</p>
        </StateMessage>
      )}
      {workers.length > 0 && (
        <>
          <p className="hint" data-testid="ready-count">{t("models.readyCount", { ready, total: workers.length })}</p>
          <WorkerTable workers={workers} compact={compact} />
          <DemoModelNotice workers={workers} t={t} />
        </>
      )}
    </section>
  );
}
