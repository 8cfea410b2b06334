import { serverTranslator } from "../i18n/server.ts";

/** Shown while a page's server component loads. */
export default async function Loading() {
  const { t } = await serverTranslator();
  return <div className="state" role="status">{t("common.loading")}</div>;
}
