import type { PredictionView } from "../lib/api-types.ts";
import { displayToken, formatPercent } from "../lib/format.ts";
import type { Locale } from "../i18n/locales.ts";
import type { Translator } from "../i18n/translate.ts";

interface ProbabilityBarsProps {
  predictions: PredictionView[];
  /** 1-based mask position, used in the accessible label. */
  maskIndex: number;
  locale: Locale;
  t: Translator;
}

/**
 * Horizontal bars of one mask's predictions, highest first. Bar widths are relative to the top
 * prediction so that low-probability lists stay readable; the percentage shows the absolute value.
 */
export function ProbabilityBars({ predictions, maskIndex, locale, t }: ProbabilityBarsProps) {
  const top = predictions.reduce((max, prediction) => Math.max(max, prediction.probability), 0);
  return (
    <ul className="bars" aria-label={t("bars.label", { index: maskIndex })}>
      {predictions.map((prediction) => {
        const percent = formatPercent(prediction.probability, locale);
        const width = top > 0 ? (prediction.probability / top) * 100 : 0;
        return (
          <li key={prediction.tokenId} className="bar-row" title={t("bars.row", { token: prediction.token, percent })} data-testid="bar">
            <span className="bar-token">{displayToken(prediction.token)}</span>
            <span className="bar-track" aria-hidden="true">
              <span className="bar-fill" style={{ width: `${width.toFixed(2)}%`, display: "block" }} />
            </span>
            <span className="bar-value">{percent}</span>
          </li>
        );
      })}
    </ul>
  );
}
