"use client";

import { useI18n } from "../../i18n/client.tsx";
import type { ResultRowView } from "../../lib/api-types.ts";
import { ProbabilityBars } from "../ProbabilityBars.tsx";

/** Full detail of one row: every mask's predictions as bars, or the row's error. */
export function ResultDetail({ row }: { row: ResultRowView }) {
  const { locale, t } = useI18n();
  return (
    <div data-testid="row-detail">
      <p className="filled">{row.text}</p>
      {row.error && <p className="error-text">{t("results.rowError", { message: row.error })}</p>}
      {row.masks.map((predictions, index) => (
        <div key={index}>
          <h3>{t("playground.maskHeading", { index: index + 1 })}</h3>
          <ProbabilityBars predictions={predictions} maskIndex={index + 1} locale={locale} t={t} />
        </div>
      ))}
    </div>
  );
}
