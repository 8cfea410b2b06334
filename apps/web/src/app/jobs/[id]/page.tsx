import { notFound } from "next/navigation";
import { JobDetail } from "../../../components/results/JobDetail.tsx";
import { jobIdSchema } from "../../../lib/schemas.ts";

/** Renders one job: its summary, live progress and its results browser. */
export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!jobIdSchema.safeParse(id).success) notFound();
  return <JobDetail jobId={id} />;
}
