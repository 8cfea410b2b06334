"use client";

import { useI18n } from "../../i18n/client.tsx";
import type { ResultRowView } from "../../lib/api-types.ts";
import { describeStoredRowError } from "../../lib/corpus-messages.ts";
import { MASK_TOKEN } from "../../lib/schemas.ts";
import { fillMasks } from "../playground/fill.ts";
import { ProbabilityBars } from "../ProbabilityBars.tsx";

/** Shows one row in full: the text filled with the top predictions, every mask's bars, or the row's error. */
export function ResultDetail({ row }: { row: ResultRowView }) {
  const { locale, t } = useI18n();
  return (
    <div data-testid="row-detail">
      {row.masks.length > 0 && <p className="filled">{fillMasks(row.text, row.masks.map((predictions) => predictions[0]?.token ?? MASK_TOKEN))}</p>}
      {/* NOTE: job items store the parser's English message and code without params, so only codes
          whose message needs no value (such as invalid_utf8) are translated; the rest stay English. */}
      {row.error && <p className="error-text">{t("results.rowError", { message: describeStoredRowError(t, row.errorCode, row.error) })}</p>}
      {row.masks.map((predictions, index) => (
        <div key={index}>
          <h3>{t("playground.maskHeading", { index: index + 1 })}</h3>
          <ProbabilityBars predictions={predictions} maskIndex={index + 1} locale={locale} t={t} />
        </div>
      ))}
    </div>
  );
}
