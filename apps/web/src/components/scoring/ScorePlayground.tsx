"use client";

import { useState, type FormEvent, type KeyboardEvent } from "react";
import Link from "next/link";
import { useI18n } from "../../i18n/client.tsx";
import { ApiClientError, fetchJson } from "../../lib/api-client.ts";
import { describeIssue, type FieldError } from "../../lib/issues.ts";
import { MAX_SCORE_SENTENCES, SCORE_VARIANTS, scoreRequestSchema, splitSentences, type ScoreVariantName } from "../../lib/score-schemas.ts";
import type { ScoreSentencesResponse } from "../../lib/score-types.ts";
import { formatCount } from "../../lib/format.ts";
import { StateMessage } from "../StateMessage.tsx";
import { ScoredSentenceCard } from "./ScoredSentenceCard.tsx";
import { rankScoredSentences } from "./surprisal.ts";
import { VARIANT_LABELS } from "./variant-labels.ts";
import "./scoring.css";

/**
 * Renders the Score mode of the playground: one sentence per line, a variant choice and a submit
 * that scores them all. Results are ranked from most to least natural (lowest PPPL first), each
 * with PPPL, PLL, N and its token heatmap.
 */
export function ScorePlayground({ initialText = "" }: { initialText?: string }) {
  const { locale, t } = useI18n();
  const [text, setText] = useState(initialText);
  const [variant, setVariant] = useState<ScoreVariantName>("original");
  const [fieldError, setFieldError] = useState<FieldError | null>(null);
  const [requestError, setRequestError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [response, setResponse] = useState<ScoreSentencesResponse | null>(null);

  async function score(): Promise<void> {
    setRequestError(null);
    const parsed = scoreRequestSchema.safeParse({ sentences: splitSentences(text), variant });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setFieldError(issue === undefined ? null : describeScoreIssue(issue, t));
      return;
    }
    setFieldError(null);
    setPending(true);
    try {
      setResponse(await fetchJson<ScoreSentencesResponse>("/api/score", { method: "POST", body: JSON.stringify(parsed.data) }, t("common.networkError")));
    } catch (error) {
      setResponse(null);
      if (error instanceof ApiClientError && error.field !== undefined && error.status < 500) setFieldError({ field: error.field, message: error.message });
      else setRequestError(error instanceof Error ? error.message : String(error));
    } finally {
      setPending(false);
    }
  }

  function onSubmit(event: FormEvent): void {
    event.preventDefault();
    void score();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void score();
    }
  }

  const ranked = response === null ? [] : rankScoredSentences(response.results);
  return (
    <div>
      <form className="panel" onSubmit={onSubmit} noValidate>
        <label htmlFor="score-sentences">
          {t("scoring.sentencesLabel")} <span className="hint">{t("scoring.sentencesHint", { max: MAX_SCORE_SENTENCES })}</span>
        </label>
        <textarea
          id="score-sentences"
          value={text}
          placeholder={t("scoring.sentencesPlaceholder")}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          aria-invalid={fieldError !== null}
          aria-describedby={fieldError ? "score-sentences-error" : undefined}
          data-testid="score-sentences"
        />
        {fieldError && <p id="score-sentences-error" className="error-text" data-testid="score-field-error">{fieldError.message}</p>}
        <label htmlFor="score-variant">{t("scoring.variantLabel")}</label>
        <select id="score-variant" value={variant} onChange={(event) => setVariant(event.target.value as ScoreVariantName)} data-testid="score-variant">
          {SCORE_VARIANTS.map((name) => (
            <option key={name} value={name}>{t(VARIANT_LABELS[name])}</option>
          ))}
        </select>
        <div className="row" style={{ marginTop: 12 }}>
          <button className="primary" type="submit" disabled={pending} data-testid="score-submit">
            {pending ? t("scoring.scoring") : t("scoring.submit")}
          </button>
          <span className="hint">{t("playground.shortcut")}</span>
        </div>
        {requestError && <p className="error-text" role="alert" data-testid="score-request-error">{requestError}</p>}
      </form>

      <section className="panel" aria-live="polite" aria-busy={pending} data-testid="score-results">
        <h2>{t("scoring.resultsTitle")}</h2>
        {pending && response === null && <StateMessage kind="loading">{t("scoring.scoring")}</StateMessage>}
        {!pending && response === null && <StateMessage kind="empty">{t("scoring.playgroundEmpty")}</StateMessage>}
        {response !== null && (
          <>
            <p className="hint" data-testid="score-latency">
              {t("playground.latency", { value: formatCount(Math.round(response.latencyMs), locale) })} · {t(VARIANT_LABELS[variantName(response.variant)])}
            </p>
            <ol className="score-cards">
              {ranked.map((result, rank) => (
                <ScoredSentenceCard key={result.index} result={result} rank={rank + 1} locale={locale} t={t} />
              ))}
            </ol>
            <p className="hint">
              {t("scoring.historyHint")} <Link href="/jobs">{t("nav.jobs")}</Link>
            </p>
          </>
        )}
      </section>
    </div>
  );
}

/** Maps a variant returned by the server onto a known name; unknown names fall back to `original`. */
function variantName(value: string): ScoreVariantName {
  return (SCORE_VARIANTS as readonly string[]).includes(value) ? (value as ScoreVariantName) : "original";
}

/** Describes a validation issue of the sentence box; an empty box gets its own message. */
function describeScoreIssue(issue: Parameters<typeof describeIssue>[0], t: ReturnType<typeof useI18n>["t"]): FieldError {
  if (issue.code === "too_small" && issue.path.length === 1 && issue.path[0] === "sentences") return { field: "sentences", message: t("scoring.noSentences") };
  if (issue.code === "too_big" && issue.path.length === 1 && issue.path[0] === "sentences") return { field: "sentences", message: t("scoring.tooManySentences", { max: MAX_SCORE_SENTENCES }) };
  return describeIssue(issue, t);
}
