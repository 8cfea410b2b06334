"use client";

import { useEffect, useState } from "react";

export interface LiveState<T> {
  data: T | null;
  /** False while the stream is (re)connecting; EventSource reconnects by itself. */
  connected: boolean;
  /**
   * True once the browser gave up on the stream without reconnecting, which it does when the
   * server responds with an error status such as 404 instead of an event stream.
   */
  closed: boolean;
}

/**
 * Subscribes to a server-sent events stream whose `snapshot` events carry JSON, keeping the latest
 * snapshot. Passing null closes the stream.
 */
export function useEventSourceJson<T>(url: string | null): LiveState<T> {
  const [data, setData] = useState<T | null>(null);
  const [connected, setConnected] = useState(false);
  const [closed, setClosed] = useState(false);

  useEffect(() => {
    if (url === null) return;
    setClosed(false);
    const source = new EventSource(url);
    source.onopen = () => setConnected(true);
    source.onerror = () => {
      setConnected(false);
      if (source.readyState === EventSource.CLOSED) setClosed(true);
    };
    source.addEventListener("snapshot", (event) => {
      setConnected(true);
      setData(JSON.parse((event as MessageEvent<string>).data) as T);
    });
    return () => source.close();
  }, [url]);

  return { data, connected, closed };
}
