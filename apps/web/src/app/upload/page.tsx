import { UploadForm } from "../../components/upload/UploadForm.tsx";
import { serverTranslator } from "../../i18n/server.ts";
import { webEnv } from "../../env.ts";

/** Upload page: pick or drop a corpus, check the preview and start a job. */
export default async function UploadPage() {
  const { t } = await serverTranslator();
  return (
    <>
      <h1>{t("upload.title")}</h1>
      <p className="intro">{t("upload.intro")}</p>
      <UploadForm maxBytes={webEnv().uploadMaxBytes} />
    </>
  );
}
