import { cookies, headers } from "next/headers";
import { LOCALE_COOKIE, negotiateLocale, toLocale, type Locale } from "./locales.ts";
import { translatorFor, type Translator } from "./translate.ts";

/** Locale of the current request: the switch's cookie first, then Accept-Language. */
export async function requestLocale(): Promise<Locale> {
  const cookieStore = await cookies();
  const chosen = toLocale(cookieStore.get(LOCALE_COOKIE)?.value);
  if (chosen !== undefined) return chosen;
  const headerStore = await headers();
  return negotiateLocale(headerStore.get("accept-language"));
}

/** Translator for the current request, for server components. */
export async function serverTranslator(): Promise<{ locale: Locale; t: Translator }> {
  const locale = await requestLocale();
  return { locale, t: translatorFor(locale) };
}

/** Locale of a route handler's request, read from its own headers (no async request storage needed). */
export function localeOfRequest(request: Request): Locale {
  const cookieHeader = request.headers.get("cookie") ?? "";
  const match = cookieHeader.split(";").map((part) => part.trim()).find((part) => part.startsWith(`${LOCALE_COOKIE}=`));
  const chosen = toLocale(match?.slice(LOCALE_COOKIE.length + 1));
  return chosen ?? negotiateLocale(request.headers.get("accept-language"));
}
