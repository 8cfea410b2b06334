import type { Locale } from "../../i18n/locales.ts";
import type { Translator } from "../../i18n/translate.ts";
import type { TokenScoreView } from "../../lib/score-types.ts";
import { displayToken } from "../../lib/format.ts";
import { formatScore, MAX_SURPRISAL_NATS, surprisal, surprisalColors } from "./surprisal.ts";
import "./scoring.css";

interface TokenHeatmapProps {
  tokens: readonly TokenScoreView[];
  locale: Locale;
  t: Translator;
  /** Accessible name of the heatmap, e.g. the sentence it shows. */
  label: string;
}

/**
 * Renders a sentence's tokens coloured by surprisal. Each token is focusable and shows its
 * position, token id, word, log-probability, probability and surprisal in a tooltip on hover and
 * on keyboard focus. The same values are in its accessible name for screen readers.
 */
export function TokenHeatmap({ tokens, locale, t, label }: TokenHeatmapProps) {
  return (
    <div>
      <p className="score-heatmap" role="group" aria-label={label} data-testid="heatmap">
        {tokens.map((token) => {
          const colors = surprisalColors(token.logProb);
          const values = {
            token: displayToken(token.token),
            position: token.position,
            word: token.wordIndex,
            id: token.tokenId,
            logProb: formatScore(token.logProb, locale),
            probability: new Intl.NumberFormat(locale, { maximumSignificantDigits: 3 }).format(Math.exp(token.logProb)),
            surprisal: formatScore(surprisal(token.logProb), locale),
          };
          return (
            <span
              key={token.position}
              className="score-token"
              style={{ background: colors.background, color: colors.color }}
              tabIndex={0}
              aria-label={t("scoring.tokenLabel", values)}
              data-testid="heat-token"
              data-log-prob={token.logProb}
            >
              {token.token}
              <span className="score-tip" role="tooltip" aria-hidden="true" data-testid="heat-tip">
                {t("scoring.tokenTip", values)}
              </span>
            </span>
          );
        })}
      </p>
      <div className="score-legend" aria-hidden="true">
        <span>{t("scoring.legendLow")}</span>
        <span className="score-legend-ramp" />
        <span>{t("scoring.legendHigh", { value: MAX_SURPRISAL_NATS })}</span>
      </div>
    </div>
  );
}
