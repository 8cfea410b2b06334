import type { MessageKey, Translator } from "../i18n/translate.ts";

const LABELS: Record<string, MessageKey> = {
  queued: "jobs.statusQueued",
  running: "jobs.statusRunning",
  completed: "jobs.statusCompleted",
  failed: "jobs.statusFailed",
  cancelled: "jobs.statusCancelled",
  pending: "results.itemPending",
  loading: "models.stateLoading",
  ready: "models.stateReady",
  error: "models.stateError",
  idle: "models.stateIdle",
  stopping: "models.stateStopping",
};

/** Catalog key of a status label, or undefined for a status without one. */
export function statusLabelKey(status: string): MessageKey | undefined {
  return LABELS[status];
}

/** Colored label of a job, item or worker status; unknown statuses are shown as they are. */
export function StatusBadge({ status, t }: { status: string; t: Translator }) {
  const key = LABELS[status];
  return <span className={`badge ${status}`} data-status={status}>{key === undefined ? status : t(key)}</span>;
}
