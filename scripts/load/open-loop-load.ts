import http from "node:http";

/** Settings of one open-loop load run. */
export interface OpenLoopOptions {
  url: string;
  headers: Record<string, string>;
  /** Request bodies, sent in turn. */
  bodies: readonly string[];
  /** Requests per second, spread evenly: request i is due at start + i / rate seconds. */
  rate: number;
  durationSeconds: number;
  /** Most open HTTP connections; a due request waits for a free one, and that wait counts as latency. */
  connections: number;
  /** Milliseconds after which a request counts as timed out. */
  timeoutMs: number;
}

/** Outcome of a load run. Latencies are in milliseconds, sorted ascending, for 2xx responses only. */
export interface OpenLoopResult {
  sent: number;
  latenciesMs: number[];
  statusCodes: Record<string, number>;
  /** Requests that failed at the connection level (refused, reset). */
  errors: number;
  timeouts: number;
  elapsedSeconds: number;
}

/**
 * Sends POST requests on a fixed schedule whatever the server's speed (an open loop, as wrk2 and
 * k6's constant-arrival-rate do), and measures each latency from the time the request was due.
 * A closed-loop client such as autocannon sends a connection's next request only after the last
 * response, and with `overallRate` it sends each second's quota in a burst, so it measures bursts
 * instead of a steady rate.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const latenciesMs: number[] = [];
  const statusCodes: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  const pending: Promise<void>[] = [];
  const total = Math.round(options.rate * options.durationSeconds);
  const start = performance.now();

  const send = (index: number): Promise<void> => {
    const due = start + (index * 1000) / options.rate;
    const body = options.bodies[index % options.bodies.length]!;
    return new Promise((resolve) => {
      const request = http.request(
        options.url,
        { method: "POST", agent, timeout: options.timeoutMs, headers: { ...options.headers, "content-length": Buffer.byteLength(body) } },
        (response) => {
          response.resume();
          response.on("end", () => {
            const code = String(response.statusCode ?? 0);
            statusCodes[code] = (statusCodes[code] ?? 0) + 1;
            if (code.startsWith("2")) latenciesMs.push(performance.now() - due);
            resolve();
          });
        },
      );
      request.on("timeout", () => {
        timeouts += 1;
        request.destroy(new Error("timed out"));
      });
      request.on("error", (error) => {
        if (error.message !== "timed out") errors += 1;
        resolve();
      });
      request.end(body);
    });
  };

  for (let index = 0; index < total; ) {
    const dueNow = Math.min(total, Math.floor(((performance.now() - start) * options.rate) / 1000) + 1);
    while (index < dueNow) pending.push(send(index++));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  agent.destroy();
  latenciesMs.sort((a, b) => a - b);
  return { sent: total, latenciesMs, statusCodes, errors, timeouts, elapsedSeconds: (performance.now() - start) / 1000 };
}

/** Returns the value at quantile `q` (0 to 1) of sorted values, or NaN for an empty list. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
