import { serverTranslator } from "../../../i18n/server.ts";
import { SignInForm } from "./SignInForm.tsx";

/**
 * Sign-in page; `next` is the page to return to, accepted only when it is a path on this site.
 * "//host" and "/\host" are rejected because browsers read both as another site.
 */
export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { t } = await serverTranslator();
  const next = (await searchParams).next;
  const target = typeof next === "string" && /^\/(?![/\\])/.test(next) ? next : "/";
  return (
    <>
      <h1>{t("auth.signInTitle")}</h1>
      <p className="intro">{t("auth.signInIntro")}</p>
      <SignInForm next={target} />
    </>
  );
}
