import { classifyBackendError } from "./backend-errors.ts";

/**
 * Creates a server-sent events response that calls `snapshot` every `intervalMs` and sends its JSON as a
 * `snapshot` event when it differs from the last one sent, or a comment line as a keep-alive.
 * The loop stops when the client disconnects (`signal` aborts). A failed snapshot is reported to
 * `onError` and sent as a `failure` event with an error code, and the loop goes on.
 */
export function snapshotStream<T>(options: {
  signal: AbortSignal;
  intervalMs: number;
  snapshot: () => Promise<T>;
  onError: (error: unknown) => void;
}): Response {
  const encoder = new TextEncoder();
  const { signal, intervalMs, snapshot, onError } = options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = "";

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        if (timer !== undefined) clearTimeout(timer);
        try {
          controller.close();
        } catch {
          // Already closed by the client.
        }
      };
      signal.addEventListener("abort", close, { once: true });

      const tick = async () => {
        if (signal.aborted) return;
        try {
          const value = await snapshot();
          const data = JSON.stringify(value);
          if (data !== last) {
            last = data;
            controller.enqueue(encoder.encode(`event: snapshot\ndata: ${data}\n\n`));
          } else {
            controller.enqueue(encoder.encode(": keep-alive\n\n"));
          }
        } catch (error) {
          onError(error);
          const code = classifyBackendError(error)?.code ?? "internal";
          controller.enqueue(encoder.encode(`event: failure\ndata: ${JSON.stringify({ code })}\n\n`));
        }
        if (!signal.aborted) timer = setTimeout(() => void tick(), intervalMs);
      };
      void tick();
    },
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
    },
  });

  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
