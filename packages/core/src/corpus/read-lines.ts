import { assertTextSample, SNIFF_BYTES } from "./binary.ts";
import { LineSplitter, type SourceLine } from "./line-splitter.ts";

/** A byte source: a Node.js readable stream, a web stream or any async iterable of chunks. */
export type CorpusInput = AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

const encoder = new TextEncoder();

async function* toByteChunks(input: CorpusInput): AsyncGenerator<Uint8Array> {
  for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
    // A Node.js stream with setEncoding() yields strings; re-encode them so that decoding stays per line.
    yield typeof chunk === "string" ? encoder.encode(chunk) : chunk;
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * Reads the input as decoded lines with bounded memory. The first 8 KiB are checked before any
 * line is emitted, and binary input throws CorpusFileError. Stopping the iteration early also
 * stops reading the input.
 */
export async function* readLines(
  input: CorpusInput,
  maxLineLength: number,
  fileName: string | undefined,
): AsyncGenerator<SourceLine> {
  const splitter = new LineSplitter(maxLineLength);
  const sample: Uint8Array[] = [];
  let sampleBytes = 0;
  let sniffed = false;

  for await (const chunk of toByteChunks(input)) {
    if (!sniffed) {
      sample.push(chunk);
      sampleBytes += chunk.length;
      if (sampleBytes < SNIFF_BYTES) {
        continue;
      }
      sniffed = true;
      const head = concat(sample, sampleBytes);
      sample.length = 0;
      assertTextSample(head.subarray(0, SNIFF_BYTES), fileName);
      yield* splitter.push(head);
      continue;
    }
    yield* splitter.push(chunk);
  }

  if (!sniffed) {
    const head = concat(sample, sampleBytes);
    assertTextSample(head, fileName);
    yield* splitter.push(head);
  }
  yield* splitter.end();
}
