import { ModelStatus } from "../../components/models/ModelStatus.tsx";
import { LoadModelForm } from "../../components/models/LoadModelForm.tsx";
import { serverTranslator } from "../../i18n/server.ts";

/** Model status page: every worker's state and the "Load model" action. */
export default async function ModelsPage() {
  const { t } = await serverTranslator();
  return (
    <>
      <h1>{t("models.title")}</h1>
      <p className="intro">{t("models.intro")}</p>
      <ModelStatus compact={false} />
      <LoadModelForm />
    </>
  );
}
