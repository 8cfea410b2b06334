"use client";

import { useEffect, useState, type FormEvent } from "react";
import Link from "next/link";
import { useI18n } from "../../i18n/client.tsx";
import { fetchJson } from "../../lib/api-client.ts";
import type { JobView, PreviewView, UploadView } from "../../lib/api-types.ts";
import { formatBytes, formatPercent } from "../../lib/format.ts";
import { describeIssue } from "../../lib/issues.ts";
import { CORPUS_FORMATS, createJobSchema, JOB_KINDS, MAX_TOP_K, parseTargets, uploadNameSchema, type CorpusSettings } from "../../lib/schemas.ts";
import type { MessageKey } from "../../i18n/translate.ts";
import { DropZone } from "../DropZone.tsx";
import { StateMessage } from "../StateMessage.tsx";
import { PreviewTable } from "./PreviewTable.tsx";
import { uploadFile } from "./upload-file.ts";
import { SCORE_VARIANTS, type ScoreVariantName } from "../../lib/score-variants.ts";
import { VARIANT_LABELS } from "../scoring/variant-labels.ts";

const KIND_LABELS: Record<(typeof JOB_KINDS)[number], MessageKey> = { "fill-mask": "upload.kindFillMask", score: "scoring.kindScore" };

/** Field read from each JSONL object when none is chosen (the parser's default). */
const DEFAULT_JSONL_FIELD = "text";

type Stage =
  | { name: "idle" }
  | { name: "uploading"; fileName: string; share: number }
  | { name: "uploaded"; upload: UploadView };

/** Value of a CSV column option: the header name when the file has a header, else the 0-based index. */
function columnValue(preview: PreviewView | null, index: number): string {
  const name = preview?.hasHeader ? preview.columns[index] : undefined;
  return name ?? String(index);
}

/** Query string of the preview request for the chosen parser settings. */
function previewQuery(settings: CorpusSettings): string {
  const query = new URLSearchParams({ format: settings.format, header: settings.header });
  if (settings.field) query.set("field", settings.field);
  if (settings.column) query.set("column", settings.column);
  return query.toString();
}

/**
 * Runs the upload flow: the file is streamed to the server first, then the server's parser previews
 * the first rows with the chosen settings, and "Start job" submits the whole file.
 */
export function UploadForm({ maxBytes }: { maxBytes: number }) {
  const { locale, t } = useI18n();
  const [stage, setStage] = useState<Stage>({ name: "idle" });
  const [error, setError] = useState<string | null>(null);
  const [settings, setSettings] = useState<CorpusSettings>({ format: "txt", header: "auto" });
  const [preview, setPreview] = useState<PreviewView | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [previewLoading, setPreviewLoading] = useState(false);
  const [topK, setTopK] = useState(5);
  const [targets, setTargets] = useState("");
  const [kind, setKind] = useState<(typeof JOB_KINDS)[number]>("fill-mask");
  const [variant, setVariant] = useState<ScoreVariantName>("original");
  const [submitting, setSubmitting] = useState(false);
  const [job, setJob] = useState<JobView | null>(null);

  const uploadId = stage.name === "uploaded" ? stage.upload.uploadId : null;

  useEffect(() => {
    if (uploadId === null) return;
    let stale = false;
    setPreviewLoading(true);
    fetchJson<PreviewView>(`/api/uploads/${uploadId}/preview?${previewQuery(settings)}`, {}, t("common.networkError"))
      .then((body) => {
        if (stale) return;
        setPreview(body);
        setPreviewError(null);
      })
      .catch((caught: unknown) => {
        if (stale) return;
        setPreview(null);
        setPreviewError(caught instanceof Error ? caught.message : String(caught));
      })
      .finally(() => {
        if (!stale) setPreviewLoading(false);
      });
    return () => {
      stale = true;
    };
  }, [uploadId, settings, t]);

  async function onFile(file: File): Promise<void> {
    setError(null);
    setJob(null);
    setPreview(null);
    const name = uploadNameSchema.safeParse({ name: file.name });
    if (!name.success) {
      const issue = name.error.issues[0];
      setError(issue === undefined ? null : describeIssue(issue, t).message);
      return;
    }
    if (file.size > maxBytes) {
      setError(t("errors.uploadTooLarge", { limit: formatBytes(maxBytes, locale) }));
      return;
    }
    const format = CORPUS_FORMATS.find((candidate) => file.name.toLowerCase().endsWith(`.${candidate}`)) ?? "txt";
    setSettings({ format, header: "auto" });
    setStage({ name: "uploading", fileName: file.name, share: 0 });
    try {
      const upload = await uploadFile(file, (share) => setStage({ name: "uploading", fileName: file.name, share }), t("common.networkError"));
      setStage({ name: "uploaded", upload });
    } catch (caught) {
      setStage({ name: "idle" });
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  async function onSubmit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (uploadId === null) return;
    const parsed = createJobSchema.safeParse({ uploadId, kind, topK, targets: parseTargets(targets), variant, corpus: settings });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setError(issue === undefined ? null : describeIssue(issue, t).message);
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const body = await fetchJson<{ job: JobView }>("/api/jobs", { method: "POST", body: JSON.stringify(parsed.data) }, t("common.networkError"));
      setJob(body.job);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setSubmitting(false);
    }
  }

  const update = (patch: Partial<CorpusSettings>) => setSettings((current) => ({ ...current, ...patch }));

  return (
    <form onSubmit={onSubmit} noValidate>
      <section className="panel">
        {stage.name === "uploading" ? (
          <StateMessage kind="loading">{t("upload.uploading", { name: stage.fileName, percent: formatPercent(stage.share, locale) })}</StateMessage>
        ) : (
          <DropZone accept=".txt,.jsonl,.csv" onFile={(file) => void onFile(file)} hint={t("upload.limit", { size: formatBytes(maxBytes, locale) })} />
        )}
        {stage.name === "uploaded" && (
          <p className="ok-text" data-testid="uploaded">{t("upload.uploaded", { name: stage.upload.fileName, size: formatBytes(stage.upload.size, locale) })}</p>
        )}
        {error && <p className="error-text" role="alert" data-testid="upload-error">{error}</p>}
      </section>

      {stage.name === "uploaded" && (
        <>
          <section className="panel">
            <h2>{t("upload.settings")}</h2>
            <div className="filters">
              <div>
                <label htmlFor="format">{t("upload.formatLabel")}</label>
                <select id="format" value={settings.format} onChange={(event) => update({ format: event.target.value as CorpusSettings["format"] })}>
                  {CORPUS_FORMATS.map((format) => (
                    <option key={format} value={format}>{format}</option>
                  ))}
                </select>
              </div>
              {settings.format === "jsonl" && (
                <div>
                  <label htmlFor="field">{t("upload.fieldLabel")}</label>
                  <select id="field" value={settings.field ?? ""} onChange={(event) => update({ field: event.target.value || undefined })}>
                    <option value="">{DEFAULT_JSONL_FIELD}</option>
                    {(preview?.columns ?? []).filter((name) => name !== DEFAULT_JSONL_FIELD).map((name) => (
                      <option key={name} value={name}>{name}</option>
                    ))}
                  </select>
                  <span className="hint">{t("upload.fieldHint")}</span>
                </div>
              )}
              {settings.format === "csv" && (
                <>
                  <div>
                    <label htmlFor="header">{t("upload.headerLabel")}</label>
                    <select id="header" value={settings.header} onChange={(event) => update({ header: event.target.value as CorpusSettings["header"], column: undefined })}>
                      <option value="auto">{t("upload.headerAuto")}</option>
                      <option value="true">{t("upload.headerYes")}</option>
                      <option value="false">{t("upload.headerNo")}</option>
                    </select>
                  </div>
                  <div>
                    <label htmlFor="column">{t("upload.columnLabel")}</label>
                    <select id="column" value={settings.column ?? columnValue(preview, preview?.selectedColumn ?? 0)} onChange={(event) => update({ column: event.target.value || undefined })} data-testid="column">
                      {(preview?.columns ?? []).map((name, index) => (
                        <option key={`${index}-${name}`} value={columnValue(preview, index)}>{name}</option>
                      ))}
                    </select>
                  </div>
                </>
              )}
            </div>
            <h2 style={{ marginTop: 16 }}>{t("upload.previewTitle")}</h2>
            {previewLoading && preview === null && <StateMessage kind="loading">{t("upload.previewLoading")}</StateMessage>}
            {previewError && <StateMessage kind="error">{previewError}</StateMessage>}
            {preview && <PreviewTable preview={preview} />}
          </section>

          <section className="panel">
            <h2>{t("upload.jobSettings")}</h2>
            <div className="filters">
              <div>
                <label htmlFor="kind">{t("upload.kindLabel")}</label>
                <select id="kind" value={kind} onChange={(event) => setKind(event.target.value as (typeof JOB_KINDS)[number])} data-testid="job-kind">
                  {JOB_KINDS.map((name) => (
                    <option key={name} value={name}>{t(KIND_LABELS[name])}</option>
                  ))}
                </select>
              </div>
              {kind === "score" && (
                <div>
                  <label htmlFor="upload-variant">{t("scoring.variantLabel")}</label>
                  <select id="upload-variant" value={variant} onChange={(event) => setVariant(event.target.value as ScoreVariantName)} data-testid="upload-variant">
                    {SCORE_VARIANTS.map((name) => (
                      <option key={name} value={name}>{t(VARIANT_LABELS[name])}</option>
                    ))}
                  </select>
                </div>
              )}
              {kind === "fill-mask" && (
                <>
                  <div>
                    <label htmlFor="upload-top-k">{t("playground.topKLabel", { value: topK })}</label>
                    <input id="upload-top-k" type="range" min={1} max={MAX_TOP_K} value={topK} onChange={(event) => setTopK(Number(event.target.value))} />
                  </div>
                  <div>
                    <label htmlFor="upload-targets">{t("playground.targetsLabel")}</label>
                    <input id="upload-targets" type="text" value={targets} onChange={(event) => setTargets(event.target.value)} />
                    <span className="hint">{t("playground.targetsHint")}</span>
                  </div>
                </>
              )}
            </div>
            <div className="row" style={{ marginTop: 12 }}>
              <button className="primary" type="submit" disabled={submitting || previewError !== null || (preview?.fileError ?? null) !== null || job !== null} data-testid="start-job">
                {submitting ? t("upload.submitting") : t("upload.submit")}
              </button>
              {job && (
                <span className="ok-text" data-testid="job-started">
                  {t("upload.submitted")} <Link href={`/jobs/${job.id}`}>{t("upload.openJob")}</Link>
                </span>
              )}
            </div>
          </section>
        </>
      )}
    </form>
  );
}
