import Link from "next/link";
import { serverTranslator } from "../i18n/server.ts";

/** 404 page in the request's language. */
export default async function NotFound() {
  const { t } = await serverTranslator();
  return (
    <div className="panel state">
      <h1>{t("state.notFound")}</h1>
      <p>{t("state.notFoundHint")}</p>
      <Link href="/">{t("state.home")}</Link>
    </div>
  );
}
