"use client";

import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useI18n } from "../../i18n/client.tsx";
import { describeIssue, type FieldError } from "../../lib/issues.ts";
import { ApiClientError, fetchJson } from "../../lib/api-client.ts";
import type { PredictResponse } from "../../lib/api-types.ts";
import { MASK_TOKEN, MAX_TOP_K, parseTargets, predictRequestSchema } from "../../lib/schemas.ts";
import { formatCount } from "../../lib/format.ts";
import { ProbabilityBars } from "../ProbabilityBars.tsx";
import { StateMessage } from "../StateMessage.tsx";
import { fillMasks } from "./fill.ts";

export interface PlaygroundInitial {
  text: string;
  topK: number;
  targets: string;
}

/**
 * Renders the sentence box, Top-K slider, targets and the Predict button with the results. The
 * inputs are mirrored into the URL (?text=&k=&targets=). A URL that already contains a sentence is
 * predicted on first render, so a shared link shows its result.
 */
export function Playground({ initial }: { initial: PlaygroundInitial }) {
  const { locale, t } = useI18n();
  const router = useRouter();
  const pathname = usePathname();
  const textArea = useRef<HTMLTextAreaElement>(null);
  const [text, setText] = useState(initial.text);
  const [topK, setTopK] = useState(initial.topK);
  const [targets, setTargets] = useState(initial.targets);
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [requestError, setRequestError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [response, setResponse] = useState<PredictResponse | null>(null);

  const predict = useCallback(
    async (values: PlaygroundInitial) => {
      setRequestError(null);
      const parsed = predictRequestSchema.safeParse({ text: values.text, topK: values.topK, targets: parseTargets(values.targets) });
      if (!parsed.success) {
        setFieldErrors(parsed.error.issues.map((issue) => describeIssue(issue, t)));
        return;
      }
      setFieldErrors([]);
      const query = new URLSearchParams({ text: values.text, k: String(values.topK) });
      if (values.targets.trim() !== "") query.set("targets", values.targets);
      router.replace(`${pathname}?${query.toString()}`, { scroll: false });
      setPending(true);
      try {
        const body = await fetchJson<PredictResponse>("/api/predict", { method: "POST", body: JSON.stringify(parsed.data) }, t("common.networkError"));
        setResponse(body);
      } catch (error) {
        setResponse(null);
        if (error instanceof ApiClientError && error.field !== undefined && error.code === "invalid_request") {
          setFieldErrors([{ field: error.field, message: error.message }]);
        } else {
          setRequestError(error instanceof Error ? error.message : String(error));
        }
      } finally {
        setPending(false);
      }
    },
    [pathname, router, t],
  );

  const initialRun = useRef(false);
  useEffect(() => {
    if (initialRun.current || initial.text.trim() === "") return;
    initialRun.current = true;
    void predict(initial);
  }, [initial, predict]);

  function insertMask(): void {
    const element = textArea.current;
    const start = element?.selectionStart ?? text.length;
    const end = element?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + MASK_TOKEN + text.slice(end);
    setText(next);
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + MASK_TOKEN.length, start + MASK_TOKEN.length);
    });
  }

  function onSubmit(event: FormEvent): void {
    event.preventDefault();
    void predict({ text, topK, targets });
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void predict({ text, topK, targets });
    }
  }

  const errorFor = (field: string) => fieldErrors.find((error) => error.field === field || error.field.startsWith(`${field}.`));
  const textError = errorFor("text");
  const topKError = errorFor("topK");
  const targetsError = errorFor("targets");
  const result = response?.result;

  return (
    <div>
      <form className="panel" onSubmit={onSubmit} noValidate>
        <label htmlFor="sentence">{t("playground.sentenceLabel")}</label>
        <textarea
          id="sentence"
          ref={textArea}
          value={text}
          placeholder={t("playground.sentencePlaceholder")}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          aria-invalid={textError !== undefined}
          aria-describedby={textError ? "sentence-error" : undefined}
          data-testid="sentence"
        />
        {textError && <p id="sentence-error" className="error-text" data-testid="field-error">{textError.message}</p>}
        <div className="row">
          <button type="button" onClick={insertMask} data-testid="insert-mask">{t("playground.insertMask")}</button>
        </div>

        <label htmlFor="top-k">{t("playground.topKLabel", { value: topK })}</label>
        <input
          id="top-k"
          type="range"
          min={1}
          max={MAX_TOP_K}
          value={topK}
          onChange={(event) => setTopK(Number(event.target.value))}
          aria-invalid={topKError !== undefined}
          data-testid="top-k"
        />
        {topKError && <p className="error-text" data-testid="field-error">{topKError.message}</p>}

        <label htmlFor="targets">
          {t("playground.targetsLabel")} <span className="hint">{t("playground.targetsHint")}</span>
        </label>
        <input id="targets" type="text" value={targets} onChange={(event) => setTargets(event.target.value)} aria-invalid={targetsError !== undefined} data-testid="targets" />
        {targetsError && <p className="error-text" data-testid="field-error">{targetsError.message}</p>}

        <div className="row" style={{ marginTop: 12 }}>
          <button className="primary" type="submit" disabled={pending} data-testid="predict">
            {pending ? t("playground.predicting") : t("playground.predict")}
          </button>
          <span className="hint">{t("playground.shortcut")}</span>
        </div>
        {requestError && <p className="error-text" role="alert" data-testid="request-error">{requestError}</p>}
      </form>

      <section className="panel" aria-live="polite" data-testid="results">
        <h2>{t("playground.resultsTitle")}</h2>
        {pending && result === undefined && <StateMessage kind="loading">{t("playground.predicting")}</StateMessage>}
        {!pending && result === undefined && <StateMessage kind="empty">{t("playground.empty")}</StateMessage>}
        {result !== undefined && response !== null && (
          <div>
            <p className="hint" data-testid="latency">
              {t("playground.latency", { value: formatCount(Math.round(response.latencyMs), locale) })} ·{" "}
              {t("playground.tokens", { count: result.tokenCount })}
            </p>
            {result.window !== null && <p className="hint">{t("playground.windowed", { start: result.window.start, end: result.window.end })}</p>}
            {result.masks.map((predictions, index) => (
              <div key={index}>
                <h3>{t("playground.maskHeading", { index: index + 1 })}</h3>
                <ProbabilityBars predictions={predictions} maskIndex={index + 1} locale={locale} t={t} />
              </div>
            ))}
            <h3>{t("playground.filledSentence")}</h3>
            <p className="filled" data-testid="filled">{fillMasks(result.text, result.masks.map((predictions) => predictions[0]?.token ?? MASK_TOKEN))}</p>
            <p className="hint">
              {t("playground.share")} <Link href={`/jobs/${response.jobId}`}>{t("playground.jobLink")}</Link>
            </p>
          </div>
        )}
      </section>
    </div>
  );
}
