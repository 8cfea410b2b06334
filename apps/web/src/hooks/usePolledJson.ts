"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { fetchJson } from "../lib/api-client.ts";

export interface PolledState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  /** Fetches again now, e.g. after an action. */
  refresh: () => void;
}

/**
 * Fetches `url` now and every `intervalMs` while the page is visible. A failed poll keeps the last
 * good data and exposes the error, so a brief outage does not blank the page.
 */
export function usePolledJson<T>(url: string, intervalMs: number, networkMessage: string): PolledState<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  const load = useCallback(async () => {
    const current = ++generation.current;
    try {
      const body = await fetchJson<T>(url, {}, networkMessage);
      if (current !== generation.current) return;
      setData(body);
      setError(null);
    } catch (caught) {
      if (current !== generation.current) return;
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      if (current === generation.current) setLoading(false);
    }
  }, [url, networkMessage]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void load();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [load, intervalMs]);

  return { data, error, loading, refresh: () => void load() };
}
