import { cookies } from "next/headers";
import { readAuthMode, type Principal } from "@maskfill/core/auth";
import { serverTranslator } from "../../i18n/server.ts";
import { logger } from "../logger.ts";
import { authServices } from "./auth-services.ts";
import { SESSION_COOKIE } from "./session-cookie.ts";
import { SignOutButton } from "./SignOutButton.tsx";

/**
 * Strip under the header: a warning banner when MASKFILL_AUTH=off, else the signed-in user with
 * a sign-out button and, for admins, a link to the admin page. Renders nothing when signed out.
 */
export async function AuthStatus() {
  const { t } = await serverTranslator();
  if (readAuthMode() === "off") {
    return <p className="auth-banner warning" role="alert" data-testid="auth-off-banner">{t("auth.authOffBanner")}</p>;
  }
  const session = (await cookies()).get(SESSION_COOKIE)?.value;
  if (session === undefined) return null;
  let principal: Principal | null = null;
  try {
    principal = await authServices().store.resolveSession(session);
  } catch (error) {
    // The page still renders; its API calls report the outage with a clear message.
    logger.warn({ err: error }, "Could not resolve the session for the header; is Postgres reachable?");
  }
  if (principal === null) return null;
  return (
    <p className="auth-banner" data-testid="auth-status">
      {t("auth.signedInAs", { username: principal.username, role: principal.role })}
      {principal.role === "admin" ? <> · <a href="/admin">{t("admin.title")}</a></> : null}
      {" · "}
      <SignOutButton label={t("auth.signOut")} />
    </p>
  );
}
