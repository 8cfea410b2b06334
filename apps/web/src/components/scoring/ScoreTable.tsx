"use client";

import { Fragment, useState, type FormEvent } from "react";
import { useI18n } from "../../i18n/client.tsx";
import type { MessageKey } from "../../i18n/translate.ts";
import { useKeysetPages } from "../../hooks/useKeysetPages.ts";
import { describeStoredRowError } from "../../lib/corpus-messages.ts";
import { SCORE_SORTS, type ScoreSort } from "../../lib/score-schemas.ts";
import type { ScoreRowView } from "../../lib/score-types.ts";
import { StateMessage } from "../StateMessage.tsx";
import { StatusBadge } from "../StatusBadge.tsx";
import { ScoreRowDetail } from "./ScoreRowDetail.tsx";
import { formatScore } from "./surprisal.ts";
import { SCORE_ITEM_STATUSES, scoreFilterQuery, type ScoreFilters } from "./score-filters.ts";
import "./scoring.css";

const SORT_LABELS: Record<ScoreSort, MessageKey> = {
  line: "results.sortLine",
  pppl_asc: "scoring.sortMostNatural",
  pppl_desc: "scoring.sortLeastNatural",
};

const ITEM_LABELS: Record<(typeof SCORE_ITEM_STATUSES)[number], MessageKey> = {
  pending: "results.itemPending",
  completed: "results.itemCompleted",
  failed: "results.itemFailed",
};

/**
 * Rows of a score job, 50 per page with keyset cursors, sortable by PPPL and filtered by item
 * status, so failed rows and their errors can be listed. The line button of a row opens the
 * sentence's token heatmap below it.
 */
export function ScoreTable({ jobId, refreshKey }: { jobId: string; refreshKey: number }) {
  const { locale, t } = useI18n();
  const [draft, setDraft] = useState<ScoreFilters>({ q: "", status: "", sort: "pppl_asc" });
  const [filters, setFilters] = useState<ScoreFilters>(draft);
  const [open, setOpen] = useState<number | null>(null);
  const query = scoreFilterQuery(filters);
  const exportQuery = query.toString();
  const { page, error, loading, hasPrevious, next, previous, reset } = useKeysetPages<ScoreRowView>(`/api/jobs/${jobId}/scores`, `${exportQuery}&limit=50`, refreshKey, t("common.networkError"));

  function apply(event: FormEvent): void {
    event.preventDefault();
    reset();
    setOpen(null);
    setFilters(draft);
  }

  const none = t("common.none");
  return (
    <section className="panel">
      <form className="filters" onSubmit={apply} role="search">
        <div>
          <label htmlFor="score-q">{t("results.search")}</label>
          <input id="score-q" type="search" value={draft.q} placeholder={t("results.searchPlaceholder")} onChange={(event) => setDraft({ ...draft, q: event.target.value })} data-testid="score-search" />
        </div>
        <div>
          <label htmlFor="score-status">{t("results.statusFilter")}</label>
          <select id="score-status" value={draft.status} onChange={(event) => setDraft({ ...draft, status: event.target.value as ScoreFilters["status"] })} data-testid="score-status">
            <option value="">{t("results.allItemStatuses")}</option>
            {SCORE_ITEM_STATUSES.map((name) => (
              <option key={name} value={name}>{t(ITEM_LABELS[name])}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="score-sort">{t("results.sort")}</label>
          <select id="score-sort" value={draft.sort} onChange={(event) => setDraft({ ...draft, sort: event.target.value as ScoreSort })} data-testid="score-sort">
            {SCORE_SORTS.map((name) => (
              <option key={name} value={name}>{t(SORT_LABELS[name])}</option>
            ))}
          </select>
        </div>
        <div className="row" style={{ marginTop: 10 }}>
          <button className="primary" type="submit" data-testid="score-apply">{t("results.apply")}</button>
        </div>
      </form>

      <div className="row" style={{ margin: "12px 0" }}>
        <a className="button" href={`/api/jobs/${jobId}/export?format=csv&${exportQuery}`} data-testid="export-csv">{t("results.exportCsv")}</a>
        <a className="button" href={`/api/jobs/${jobId}/export?format=jsonl&${exportQuery}`} data-testid="export-jsonl">{t("results.exportJsonl")}</a>
      </div>

      {error !== null && <StateMessage kind="error">{error}</StateMessage>}
      {loading && page === null && <StateMessage kind="loading">{t("common.loading")}</StateMessage>}
      {query.get("sort") !== "line" && <p className="hint" data-testid="score-sort-note">{t("scoring.ppplSortNote")}</p>}
      {page !== null && page.rows.length === 0 && <StateMessage kind="empty">{query.get("sort") === "line" ? t("results.empty") : t("scoring.tableEmpty")}</StateMessage>}
      {page !== null && page.rows.length > 0 && (
        <div className="table-wrap">
          <table data-testid="score-table" aria-busy={loading}>
            <thead>
              <tr>
                <th className="num">{t("results.line")}</th>
                <th>{t("results.text")}</th>
                <th className="num">{t("scoring.pppl")}</th>
                <th className="num">{t("scoring.pll")}</th>
                <th className="num">{t("scoring.tokenCount")}</th>
                <th className="num">{t("scoring.meanPll")}</th>
                <th>{t("results.itemStatus")}</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row) => (
                <Fragment key={row.lineNumber}>
                  <tr data-testid="score-row" data-line={row.lineNumber}>
                    <td className="num">
                      <button
                        type="button"
                        className="score-line-button"
                        onClick={() => setOpen(open === row.lineNumber ? null : row.lineNumber)}
                        aria-expanded={open === row.lineNumber}
                        aria-label={t("scoring.openRow", { line: row.lineNumber })}
                        data-testid="score-open"
                      >
                        {row.lineNumber}
                      </button>
                    </td>
                    <td>{row.text}{row.error && <p className="error-text">{describeStoredRowError(t, row.errorCode, row.error)}</p>}</td>
                    <td className="num" data-testid="row-pppl">{row.score === null ? none : formatScore(row.score.pseudoPerplexity, locale)}</td>
                    <td className="num" data-testid="row-pll">{row.score === null ? none : formatScore(row.score.pll, locale)}</td>
                    <td className="num">{row.score === null ? none : row.score.tokenCount}</td>
                    <td className="num">{row.score === null ? none : formatScore(row.score.meanPll, locale)}</td>
                    <td><StatusBadge status={row.status} t={t} /></td>
                  </tr>
                  {open === row.lineNumber && (
                    <tr>
                      <td colSpan={7}><ScoreRowDetail jobId={jobId} row={row} /></td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="row" style={{ marginTop: 10 }}>
        <button type="button" disabled={!hasPrevious} onClick={previous} data-testid="score-previous">{t("common.previous")}</button>
        <button type="button" disabled={!page?.nextCursor} onClick={next} data-testid="score-next">{t("common.next")}</button>
      </div>
    </section>
  );
}
