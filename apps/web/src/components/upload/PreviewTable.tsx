"use client";

import { useI18n } from "../../i18n/client.tsx";
import type { PreviewView } from "../../lib/api-types.ts";
import { StateMessage } from "../StateMessage.tsx";

/** Renders the first rows of an uploaded corpus as the parser reads them, with skipped and malformed lines. */
export function PreviewTable({ preview }: { preview: PreviewView }) {
  const { t } = useI18n();
  return (
    <div data-testid="preview">
      {preview.fileError !== null ? (
        <div data-testid="file-error">
          <StateMessage kind="error">{t("upload.fileError", { message: preview.fileError.message })}</StateMessage>
        </div>
      ) : preview.rows.length === 0 ? (
        <StateMessage kind="empty">{t("upload.previewEmpty")}</StateMessage>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th className="num">{t("upload.previewLine")}</th>
                <th>{t("upload.previewText")}</th>
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((row) => (
                <tr key={row.lineNumber} data-testid="preview-row">
                  <td className="num">{row.lineNumber}</td>
                  <td>{row.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {preview.blankLines > 0 && <p className="hint">{t("upload.previewSkipped", { count: preview.blankLines })}</p>}
      {preview.errors.length > 0 && (
        <div className="error-text" data-testid="preview-errors">
          <p>{t("upload.previewErrors")}</p>
          <ul>
            {preview.errors.map((error) => (
              <li key={`${error.lineNumber}-${error.message}`}>{t("upload.previewErrorRow", { line: error.lineNumber, message: error.message })}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
