import { formatPercent } from "../lib/format.ts";
import type { Locale } from "../i18n/locales.ts";
import type { Translator } from "../i18n/translate.ts";

interface ProgressBarProps {
  done: number;
  failed: number;
  total: number;
  locale: Locale;
  t: Translator;
}

/** Progress of a job: green for done items, red for failed ones, as a share of all items. */
export function ProgressBar({ done, failed, total, locale, t }: ProgressBarProps) {
  const safeTotal = Math.max(total, 1);
  const doneShare = Math.min(done / safeTotal, 1);
  const failedShare = Math.min(failed / safeTotal, 1 - doneShare);
  const label = t("jobs.progressLabel", { percent: formatPercent(total === 0 ? 0 : (done + failed) / safeTotal, locale) });
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done + failed}
      aria-label={label}
      title={label}
    >
      <span className="progress-done" style={{ width: `${(doneShare * 100).toFixed(2)}%` }} />
      <span className="progress-failed" style={{ width: `${(failedShare * 100).toFixed(2)}%` }} />
    </div>
  );
}
