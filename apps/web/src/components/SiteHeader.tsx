"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useI18n } from "../i18n/client.tsx";
import { LOCALE_COOKIE, toLocale } from "../i18n/locales.ts";
import type { MessageKey } from "../i18n/translate.ts";

const LINKS: { href: string; label: MessageKey }[] = [
  { href: "/", label: "nav.playground" },
  { href: "/models", label: "nav.models" },
  { href: "/upload", label: "nav.upload" },
  { href: "/jobs", label: "nav.jobs" },
];

/** Brand, navigation and the language switch; the switch stores its choice in a cookie for a year. */
export function SiteHeader() {
  const { locale, t } = useI18n();
  const pathname = usePathname();
  const router = useRouter();

  function changeLocale(value: string): void {
    const next = toLocale(value);
    if (next === undefined) return;
    document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=31536000; samesite=lax`;
    router.refresh();
  }

  return (
    <header className="site-header">
      <Link className="brand" href="/">{t("app.title")}</Link>
      <nav className="nav" aria-label={t("nav.playground")}>
        {LINKS.map((link) => {
          const active = link.href === "/" ? pathname === "/" : pathname.startsWith(link.href);
          return (
            <Link key={link.href} href={link.href} aria-current={active ? "page" : undefined}>
              {t(link.label)}
            </Link>
          );
        })}
      </nav>
      <label className="language-switch">
        <span>{t("nav.language")}</span>
        <select value={locale} onChange={(event) => changeLocale(event.target.value)} data-testid="language-switch">
          <option value="en">{t("nav.english")}</option>
          <option value="zh-CN">{t("nav.chinese")}</option>
        </select>
      </label>
    </header>
  );
}
