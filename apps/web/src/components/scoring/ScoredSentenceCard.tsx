import Link from "next/link";
import type { Locale } from "../../i18n/locales.ts";
import type { Translator } from "../../i18n/translate.ts";
import type { ScoredSentenceView } from "../../lib/score-types.ts";
import { TokenHeatmap } from "./TokenHeatmap.tsx";
import { formatScore } from "./surprisal.ts";

/** Renders one ranked playground result with its PPPL, PLL, N, mean PLL and heatmap, or the engine's error for it. */
export function ScoredSentenceCard({ result, rank, locale, t }: { result: ScoredSentenceView; rank: number; locale: Locale; t: Translator }) {
  if (!result.ok) {
    return (
      <li className="score-card score-card-failed" data-testid="score-card" data-ok="false">
        <p className="score-sentence">{result.text}</p>
        <p className="error-text" data-testid="score-card-error">{t("scoring.sentenceFailed", { code: result.error.code, message: result.error.message })}</p>
      </li>
    );
  }
  const { score } = result;
  return (
    <li className="score-card" data-testid="score-card" data-ok="true" data-index={result.index}>
      <p className="score-sentence">
        <span className="score-rank" aria-label={t("scoring.rankLabel", { rank })}>#{rank}</span>
        <span data-testid="score-card-text">{result.text}</span>
      </p>
      <dl className="score-stats">
        <div>
          <dt>{t("scoring.pppl")}</dt>
          <dd data-testid="score-pppl">{formatScore(score.pseudoPerplexity, locale)}</dd>
        </div>
        <div>
          <dt>{t("scoring.pll")}</dt>
          <dd data-testid="score-pll">{formatScore(score.pll, locale)}</dd>
        </div>
        <div>
          <dt>{t("scoring.tokenCount")}</dt>
          <dd data-testid="score-n">{score.tokenCount}</dd>
        </div>
        <div>
          <dt>{t("scoring.meanPll")}</dt>
          <dd data-testid="score-mean">{formatScore(score.meanPll, locale)}</dd>
        </div>
      </dl>
      <TokenHeatmap tokens={result.tokens} locale={locale} t={t} label={t("scoring.heatmapLabel", { text: result.text })} />
      <p className="hint"><Link href={`/jobs/${result.jobId}`}>{t("playground.jobLink")}</Link></p>
    </li>
  );
}
