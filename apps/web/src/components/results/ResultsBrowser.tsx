"use client";

import { Fragment, useState, type FormEvent } from "react";
import { useI18n } from "../../i18n/client.tsx";
import { useKeysetPages } from "../../hooks/useKeysetPages.ts";
import type { ResultRowView } from "../../lib/api-types.ts";
import { displayToken, formatPercent } from "../../lib/format.ts";
import { ITEM_STATUSES, RESULT_SORTS } from "../../lib/schemas.ts";
import type { MessageKey } from "../../i18n/translate.ts";
import { StateMessage } from "../StateMessage.tsx";
import { StatusBadge } from "../StatusBadge.tsx";
import { ResultDetail } from "./ResultDetail.tsx";

interface Filters {
  q: string;
  status: string;
  token: string;
  sort: (typeof RESULT_SORTS)[number];
}

const SORT_LABELS: Record<Filters["sort"], MessageKey> = {
  line: "results.sortLine",
  score_desc: "results.sortScoreDesc",
  score_asc: "results.sortScoreAsc",
};

const ITEM_LABELS: Record<(typeof ITEM_STATUSES)[number], MessageKey> = {
  pending: "results.itemPending",
  completed: "results.itemCompleted",
  failed: "results.itemFailed",
};

/** Query string of the filters; empty filters are left out. */
function filterQuery(filters: Filters): URLSearchParams {
  const query = new URLSearchParams({ sort: filters.sort });
  if (filters.q.trim() !== "") query.set("q", filters.q.trim());
  if (filters.status !== "") query.set("status", filters.status);
  if (filters.token.trim() !== "") query.set("token", filters.token.trim());
  return query;
}

/**
 * Rows of a job, 50 per page with keyset cursors: "Next" follows the server's cursor and
 * "Previous" pops a stack of the cursors already visited. Clicking a row opens its detail.
 */
export function ResultsBrowser({ jobId, refreshKey }: { jobId: string; refreshKey: number }) {
  const { locale, t } = useI18n();
  const [draft, setDraft] = useState<Filters>({ q: "", status: "", token: "", sort: "line" });
  const [filters, setFilters] = useState<Filters>(draft);
  const [open, setOpen] = useState<number | null>(null);
  const exportQuery = filterQuery(filters);
  const { page, error, loading, hasPrevious, next, previous, reset } = useKeysetPages<ResultRowView>(`/api/jobs/${jobId}/results`, `${exportQuery.toString()}&limit=50`, refreshKey, t("common.networkError"));

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
          <label htmlFor="q">{t("results.search")}</label>
          <input id="q" type="search" value={draft.q} placeholder={t("results.searchPlaceholder")} onChange={(event) => setDraft({ ...draft, q: event.target.value })} data-testid="search" />
        </div>
        <div>
          <label htmlFor="item-status">{t("results.statusFilter")}</label>
          <select id="item-status" value={draft.status} onChange={(event) => setDraft({ ...draft, status: event.target.value })}>
            <option value="">{t("results.allItemStatuses")}</option>
            {ITEM_STATUSES.map((name) => (
              <option key={name} value={name}>{t(ITEM_LABELS[name])}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="token">{t("results.tokenFilter")}</label>
          <input id="token" type="text" value={draft.token} placeholder={t("results.tokenPlaceholder")} onChange={(event) => setDraft({ ...draft, token: event.target.value })} data-testid="token-filter" />
        </div>
        <div>
          <label htmlFor="sort">{t("results.sort")}</label>
          <select id="sort" value={draft.sort} onChange={(event) => setDraft({ ...draft, sort: event.target.value as Filters["sort"] })} data-testid="sort">
            {RESULT_SORTS.map((name) => (
              <option key={name} value={name}>{t(SORT_LABELS[name])}</option>
            ))}
          </select>
        </div>
        <div className="row" style={{ marginTop: 10 }}>
          <button className="primary" type="submit" data-testid="apply-filters">{t("results.apply")}</button>
        </div>
      </form>

      <div className="row" style={{ margin: "12px 0" }}>
        <a className="button" href={`/api/jobs/${jobId}/export?format=csv&${exportQuery.toString()}`} data-testid="export-csv">{t("results.exportCsv")}</a>
        <a className="button" href={`/api/jobs/${jobId}/export?format=jsonl&${exportQuery.toString()}`} data-testid="export-jsonl">{t("results.exportJsonl")}</a>
      </div>

      {error !== null && <StateMessage kind="error">{error}</StateMessage>}
      {loading && page === null && <StateMessage kind="loading">{t("common.loading")}</StateMessage>}
      {page !== null && page.rows.length === 0 && <StateMessage kind="empty">{t("results.empty")}</StateMessage>}
      {page !== null && page.rows.length > 0 && (
        <div className="table-wrap">
          <table data-testid="results-table" aria-busy={loading}>
            <thead>
              <tr>
                <th className="num">{t("results.line")}</th>
                <th>{t("results.text")}</th>
                <th>{t("results.top")}</th>
                <th className="num">{t("results.score")}</th>
                <th>{t("results.itemStatus")}</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row) => (
                <Fragment key={row.lineNumber}>
                  <tr
                    className="clickable"
                    onClick={() => setOpen(open === row.lineNumber ? null : row.lineNumber)}
                    onKeyDown={(event) => {
                      if (event.key !== "Enter" && event.key !== " ") return;
                      event.preventDefault();
                      setOpen(open === row.lineNumber ? null : row.lineNumber);
                    }}
                    tabIndex={0}
                    aria-expanded={open === row.lineNumber}
                    aria-label={t("results.openRow", { line: row.lineNumber })}
                    data-testid="result-row"
                  >
                    <td className="num">{row.lineNumber}</td>
                    <td>{row.text}</td>
                    <td className="token">{row.topToken === null ? none : displayToken(row.topToken)}</td>
                    <td className="num">{row.topProbability === null ? none : formatPercent(row.topProbability, locale)}</td>
                    <td><StatusBadge status={row.status} t={t} /></td>
                  </tr>
                  {open === row.lineNumber && (
                    <tr>
                      <td colSpan={5}><ResultDetail row={row} /></td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="row" style={{ marginTop: 10 }}>
        <button type="button" disabled={!hasPrevious} onClick={previous} data-testid="previous-page">{t("common.previous")}</button>
        <button type="button" disabled={!page?.nextCursor} onClick={next} data-testid="next-page">{t("common.next")}</button>
      </div>
    </section>
  );
}
