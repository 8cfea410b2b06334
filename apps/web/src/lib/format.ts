import type { Locale } from "../i18n/locales.ts";

/** Formats a probability in [0, 1] as a percentage with one decimal, e.g. "42.3%". */
export function formatPercent(probability: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(probability);
}

/** Formats a count with grouping, e.g. 6,420,000. */
export function formatCount(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale).format(value);
}

/** Formats a parameter count compactly, e.g. "6.4M". */
export function formatCompact(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 }).format(value);
}

/** Formats a byte count with binary units, e.g. "200 MB" for 200 MiB (the unit the size limit uses). */
export function formatBytes(bytes: number, locale: Locale): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** Formats seconds as "1 h 2 min", "3 min 4 s" or "5 s". */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min ${rest} s`;
  return `${rest} s`;
}

/** Formats an ISO timestamp as a short local date and time; "—" for null. */
export function formatTime(iso: string | null, locale: Locale): string {
  if (iso === null) return "—";
  return new Intl.DateTimeFormat(locale, { dateStyle: "short", timeStyle: "short" }).format(new Date(iso));
}

/** Shows a decoded token so that leading spaces and empty strings stay visible. */
export function displayToken(token: string): string {
  if (token === "") return "∅";
  return token.replace(/^ /, "␣").replace(/\n/g, "↵");
}
