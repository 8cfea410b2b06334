import type { Metadata } from "next";
import type { ReactNode } from "react";
import { I18nProvider } from "../i18n/client.tsx";
import { serverTranslator } from "../i18n/server.ts";
import { SiteHeader } from "../components/SiteHeader.tsx";
import { AuthStatus } from "../server/auth/AuthStatus.tsx";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await serverTranslator();
  return { title: t("app.title"), description: t("app.tagline") };
}

/** Root layout: picks the request's language and renders the header and navigation. */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const { locale, t } = await serverTranslator();
  return (
    <html lang={locale}>
      <body>
        <I18nProvider locale={locale}>
          <a className="skip-link" href="#main">{t("app.skipToContent")}</a>
          <SiteHeader />
          <AuthStatus />
          <main id="main">{children}</main>
        </I18nProvider>
      </body>
    </html>
  );
}
