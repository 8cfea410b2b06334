import type { Locale } from "../../i18n/locales.ts";
import type { Translator } from "../../i18n/translate.ts";
import type { HistogramBinView } from "../../lib/score-types.ts";
import "./scoring.css";

/** Formats a PPPL bin edge with 3 significant digits, e.g. "1,240" or "3.57". */
export function formatEdge(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { maximumSignificantDigits: 3 }).format(value);
}

/**
 * Renders the histogram of sentence PPPL as bars on a log scale (the bins have equal width in
 * log(PPPL)). Bar heights are relative to the fullest bin; each bar is focusable and names its
 * range and count.
 */
export function PpplHistogram({ bins, locale, t }: { bins: readonly HistogramBinView[]; locale: Locale; t: Translator }) {
  const tallest = Math.max(1, ...bins.map((bin) => bin.count));
  const first = bins[0];
  const last = bins[bins.length - 1];
  return (
    <figure style={{ margin: 0 }}>
      <div className="score-histogram" role="list" aria-label={t("scoring.histogramTitle")} data-testid="histogram">
        {bins.map((bin, index) => {
          const label = t("scoring.histogramBin", { lower: formatEdge(bin.lower, locale), upper: formatEdge(bin.upper, locale), count: bin.count });
          return (
            <div
              key={index}
              role="listitem"
              tabIndex={0}
              className="score-histogram-bar"
              style={{ height: `${((bin.count / tallest) * 100).toFixed(2)}%` }}
              title={label}
              aria-label={label}
              data-testid="histogram-bar"
              data-count={bin.count}
            />
          );
        })}
      </div>
      {first !== undefined && last !== undefined && (
        <figcaption className="score-histogram-axis">
          <span>{formatEdge(first.lower, locale)}</span>
          <span>{t("scoring.histogramAxis")}</span>
          <span>{formatEdge(last.upper, locale)}</span>
        </figcaption>
      )}
    </figure>
  );
}
