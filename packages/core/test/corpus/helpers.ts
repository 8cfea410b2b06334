import { parseCorpus, type CorpusEvent, type CorpusOptions } from "../../src/corpus/index.ts";

const encoder = new TextEncoder();

/** Yields `bytes` in chunks of `chunkSize` bytes, like a network or file stream. */
export async function* chunked(bytes: Uint8Array, chunkSize: number): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += chunkSize) {
    yield bytes.slice(start, start + chunkSize);
  }
}

/** Encodes a string as UTF-8, or passes bytes through. */
export function toBytes(content: string | Uint8Array): Uint8Array {
  return typeof content === "string" ? encoder.encode(content) : content;
}

/** Parses `content` fed in chunks of `chunkSize` bytes and returns every event. */
export async function collect(
  content: string | Uint8Array,
  options: CorpusOptions,
  chunkSize = 65_536,
): Promise<CorpusEvent[]> {
  const events: CorpusEvent[] = [];
  for await (const event of parseCorpus(chunked(toBytes(content), chunkSize), options)) {
    events.push(event);
  }
  return events;
}

/** Events without the final summary and with messages dropped, for exact comparison. */
export function shapes(events: CorpusEvent[]): unknown[] {
  return events
    .filter((event) => event.type !== "end")
    .map((event) => (event.type === "error" ? { type: "error", lineNumber: event.lineNumber, code: event.code } : event));
}

/** Returns the summary of the final end event, and throws when the last event is not one. */
export function summaryOf(events: CorpusEvent[]) {
  const last = events.at(-1);
  if (last?.type !== "end") {
    throw new Error(`expected an end event last, got ${JSON.stringify(last)}`);
  }
  return last.summary;
}

/** Returns the message of the error event on `lineNumber`, and throws when there is none. */
export function messageAt(events: CorpusEvent[], lineNumber: number): string {
  const event = events.find((candidate) => candidate.type === "error" && candidate.lineNumber === lineNumber);
  if (event?.type !== "error") {
    throw new Error(`no error event on line ${lineNumber}`);
  }
  return event.message;
}

/** Chunk sizes every format test runs with: one byte at a time, odd splits, and whole. */
export const CHUNK_SIZES = [1, 7, 65_536];
