import type { WorkerView } from "../../lib/api-types.ts";
import type { Translator } from "../../i18n/translate.ts";

/** CLI command that downloads roberta-large into models/roberta-large. */
const FETCH_COMMAND = "maskfill model fetch roberta-large";

/**
 * Warning that at least one worker serves the bundled mini-roberta demo model, with the steps to
 * switch to roberta-large. Renders nothing when no worker serves it.
 */
export function DemoModelNotice({ workers, t }: { workers: WorkerView[]; t: Translator }) {
  if (!workers.some((worker) => worker.model?.demoModel === true)) return null;
  return (
    <div className="demo-notice" role="note" data-testid="demo-model-notice">
      <strong>{t("models.demoTitle")}</strong>
      <p>{t("models.demoBody")}</p>
      <ol>
        <li>
          {t("models.demoStepFetch")} <code>{FETCH_COMMAND}</code>
        </li>
        <li>{t("models.demoStepLoad")}</li>
      </ol>
    </div>
  );
}
