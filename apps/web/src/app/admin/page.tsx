import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { ANONYMOUS_ADMIN, readAuthMode, type Principal } from "@maskfill/core/auth";
import { serverTranslator } from "../../i18n/server.ts";
import { authServices } from "../../server/auth/auth-services.ts";
import { SESSION_COOKIE } from "../../server/auth/session-cookie.ts";
import { AdminPanel } from "./AdminPanel.tsx";

/** Admin page: users and API tokens. Non-admins are sent to the sign-in page. */
export default async function AdminPage() {
  const { t } = await serverTranslator();
  const session = (await cookies()).get(SESSION_COOKIE)?.value;
  let principal: Principal | null = null;
  if (readAuthMode() === "off") principal = ANONYMOUS_ADMIN;
  else if (session !== undefined) principal = await authServices().store.resolveSession(session);
  if (principal?.role !== "admin") redirect("/sign-in?next=/admin");
  return (
    <>
      <h1>{t("admin.title")}</h1>
      <AdminPanel />
    </>
  );
}
