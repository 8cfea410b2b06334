import { ApiClientError } from "../../lib/api-client.ts";
import type { ApiErrorBody, UploadView } from "../../lib/api-types.ts";

/**
 * Sends a file as the raw body of POST /api/uploads, reporting progress as a share in [0, 1].
 * XMLHttpRequest is used because fetch() has no upload progress events in browsers.
 */
export function uploadFile(file: File, onProgress: (share: number) => void, networkMessage: string): Promise<UploadView> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", `/api/uploads?name=${encodeURIComponent(file.name)}`);
    request.setRequestHeader("content-type", "application/octet-stream");
    request.setRequestHeader("accept", "application/json");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiClientError(networkMessage, "network", 0, undefined, true));
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = null;
      }
      if (request.status >= 200 && request.status < 300) {
        resolve(body as UploadView);
        return;
      }
      const error = (body as ApiErrorBody | null)?.error;
      reject(
        error === undefined
          ? new ApiClientError(`HTTP ${request.status}`, "http", request.status, undefined, request.status >= 500)
          : new ApiClientError(error.message, error.code, request.status, error.field, error.retryable),
      );
    };
    request.send(file);
  });
}
