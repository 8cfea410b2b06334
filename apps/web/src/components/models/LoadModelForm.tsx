"use client";

import { useState, type FormEvent } from "react";
import { useI18n } from "../../i18n/client.tsx";
import { ApiClientError, fetchJson } from "../../lib/api-client.ts";
import { describeIssue } from "../../lib/issues.ts";
import { loadModelSchema, MODEL_VARIANTS } from "../../lib/schemas.ts";

/** Renders the form that requests every worker to load or reload a model directory. The worker table shows the outcome. */
export function LoadModelForm() {
  const { t } = useI18n();
  const [modelDir, setModelDir] = useState("");
  const [variant, setVariant] = useState("");
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function onSubmit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const parsed = loadModelSchema.safeParse({ modelDir, variant: variant === "" ? undefined : variant });
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      setMessage({ ok: false, text: first === undefined ? "" : describeIssue(first, t).message });
      return;
    }
    setPending(true);
    try {
      const body = await fetchJson<{ workers: number }>("/api/workers/load", { method: "POST", body: JSON.stringify(parsed.data) }, t("common.networkError"));
      setMessage({ ok: true, text: t("models.loadSent", { count: body.workers }) });
    } catch (error) {
      setMessage({ ok: false, text: error instanceof ApiClientError || error instanceof Error ? error.message : String(error) });
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="panel" onSubmit={onSubmit} noValidate data-testid="load-model-form">
      <h2>{t("models.loadTitle")}</h2>
      <p className="hint">{t("models.loadIntro")}</p>
      <div className="row">
        <div className="grow">
          <label htmlFor="model-dir">{t("models.modelDirLabel")}</label>
          <input id="model-dir" type="text" value={modelDir} placeholder={t("models.modelDirPlaceholder")} onChange={(event) => setModelDir(event.target.value)} data-testid="model-dir" />
        </div>
        <div>
          <label htmlFor="variant">{t("models.variantLabel")}</label>
          <select id="variant" value={variant} onChange={(event) => setVariant(event.target.value)}>
            <option value="">{t("models.variantDefault")}</option>
            {MODEL_VARIANTS.map((name) => (
              <option key={name} value={name}>{name}</option>
            ))}
          </select>
        </div>
      </div>
      <div className="row" style={{ marginTop: 12 }}>
        <button className="primary" type="submit" disabled={pending} data-testid="load-model">{t("models.loadButton")}</button>
      </div>
      {message && <p className={message.ok ? "ok-text" : "error-text"} role="status" data-testid="load-message">{message.text}</p>}
    </form>
  );
}
