import Link from "next/link";
import type { Translator } from "../../i18n/translate.ts";
import "./scoring.css";

/** Renders the playground's Fill / Score switch. Each mode has its own URL: `/` and `/?mode=score`. */
export function ModeSwitch({ mode, t }: { mode: "fill" | "score"; t: Translator }) {
  return (
    <div className="score-mode-switch" role="group" aria-label={t("scoring.modeLabel")} data-testid="mode-switch">
      <Link href="/" aria-current={mode === "fill" ? "page" : undefined} data-testid="mode-fill">{t("scoring.modeFill")}</Link>
      <Link href="/?mode=score" aria-current={mode === "score" ? "page" : undefined} data-testid="mode-score">{t("scoring.modeScore")}</Link>
    </div>
  );
}
