"use client";

import { useI18n } from "../i18n/client.tsx";

/** Error boundary of every page: shows the message and a retry button. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const { t } = useI18n();
  return (
    <div className="panel state error" role="alert">
      <h1>{t("state.errorTitle")}</h1>
      <p>{t("common.unknownError", { message: error.digest ?? error.message })}</p>
      <button type="button" onClick={reset}>{t("common.retry")}</button>
    </div>
  );
}
