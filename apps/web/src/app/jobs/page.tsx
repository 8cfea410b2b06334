import { JobsTable } from "../../components/jobs/JobsTable.tsx";
import { serverTranslator } from "../../i18n/server.ts";

/** Jobs page: every job with live progress, cancel and retry actions. */
export default async function JobsPage() {
  const { t } = await serverTranslator();
  return (
    <>
      <h1>{t("jobs.title")}</h1>
      <p className="intro">{t("jobs.intro")}</p>
      <JobsTable />
    </>
  );
}
