import { logger } from "../logger.ts";

/** One page of an export: its text and the cursor of the next page (null on the last one). */
export interface ExportPage {
  text: string;
  nextCursor: string | null;
}

/**
 * Streams `header` and then the pages that `readPage` returns, following their cursors. A page is
 * read only when the client pulls, so a slow download applies backpressure instead of buffering
 * the job in memory. A failed read is logged with the job id and ends the stream with the error.
 */
export function pagedExportStream(jobId: string, header: string, readPage: (cursor: string | undefined) => Promise<ExportPage>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let started = false;
  let finished = false;

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        if (header !== "") controller.enqueue(encoder.encode(header));
      }
      if (finished) {
        controller.close();
        return;
      }
      try {
        const page = await readPage(cursor);
        if (page.text !== "") controller.enqueue(encoder.encode(page.text));
        if (page.nextCursor === null) finished = true;
        else cursor = page.nextCursor;
      } catch (error) {
        logger.error({ err: error, jobId }, "Export failed while reading results");
        controller.error(error);
      }
    },
  }, { highWaterMark: 1 });
}
