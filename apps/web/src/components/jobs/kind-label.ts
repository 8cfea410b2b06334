import type { MessageKey } from "../../i18n/translate.ts";

/** Catalog key of a job kind's display name; the queue has only the kinds "fill-mask" and "score". */
export function jobKindLabel(kind: string): MessageKey {
  return kind === "score" ? "jobs.kindValueScore" : "jobs.kindValueFillMask";
}
