"use client";

import { useEffect, useState } from "react";
import { fetchJson } from "../lib/api-client.ts";
import type { Page } from "../lib/api-types.ts";

export interface KeysetPages<T> {
  page: Page<T> | null;
  error: string | null;
  loading: boolean;
  /** True when a previous page exists. */
  hasPrevious: boolean;
  /** Follows the server's cursor to the next page; does nothing on the last page. */
  next: () => void;
  /** Returns to the page before, from the stack of cursors already visited. */
  previous: () => void;
  /** Goes back to the first page, e.g. after the filters change. */
  reset: () => void;
}

/**
 * Loads keyset pages of `path?query&cursor=…`. It reloads when the query or `refreshKey` changes,
 * and a response that arrives after a newer request started is dropped.
 */
export function useKeysetPages<T>(path: string, query: string, refreshKey: number, networkMessage: string): KeysetPages<T> {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<Page<T> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const cursor = cursors[cursors.length - 1] ?? null;

  useEffect(() => {
    let stale = false;
    const search = new URLSearchParams(query);
    if (cursor !== null) search.set("cursor", cursor);
    setLoading(true);
    fetchJson<Page<T>>(`${path}?${search.toString()}`, {}, networkMessage)
      .then((body) => {
        if (stale) return;
        setPage(body);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (!stale) setError(caught instanceof Error ? caught.message : String(caught));
      })
      .finally(() => {
        if (!stale) setLoading(false);
      });
    return () => {
      stale = true;
    };
  }, [path, query, cursor, refreshKey, networkMessage]);

  return {
    page,
    error,
    loading,
    hasPrevious: cursors.length > 1,
    next: () => {
      const nextCursor = page?.nextCursor;
      if (nextCursor) setCursors([...cursors, nextCursor]);
    },
    previous: () => setCursors(cursors.length > 1 ? cursors.slice(0, -1) : cursors),
    reset: () => setCursors([null]),
  };
}
