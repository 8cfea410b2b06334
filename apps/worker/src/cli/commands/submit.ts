import { parseArgs } from "node:util";
import { isJobKind, loadConfig, MaskfillProducer, type JobView } from "@maskfill/core/queue";
import { recordSubmitter, resolveSubmitter } from "./auth-cli.ts";
import type { CliCommand } from "./index.ts";

const HELP = `Usage: maskfill submit FILE [--kind fill-mask|score] [--top-k N] [--format txt|jsonl|csv] [--wait]

Stores a corpus file in Postgres and queues it for the workers. Prints the job id.
  --kind KIND        fill-mask (default) or score
  --top-k N          predictions per mask for fill-mask, 1-1000 (default 5)
  --variant NAME     score variant: original (default) or within_word_l2r
  --format FORMAT    txt (one sentence per line, default), jsonl or csv
  --field PATH       jsonl: key of the text (default "text")
  --column NAME      csv: header name or 0-based index of the text column
  --wait             print progress until the job finishes; exit code 1 if it fails
  --token TOKEN      API token (mf_...) of an operator, recorded as the job's owner;
                     default $MASKFILL_API_TOKEN
`;

/** `maskfill submit`: submits a corpus file as a job. */
export const submitCommand: CliCommand = {
  summary: "Submit a corpus file to the job queue",
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        kind: { type: "string", default: "fill-mask" },
        "top-k": { type: "string" },
        variant: { type: "string" },
        format: { type: "string", default: "txt" },
        field: { type: "string" },
        column: { type: "string" },
        wait: { type: "boolean", default: false },
        token: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const file = positionals[0];
    if (file === undefined || positionals.length > 1) {
      throw new Error(`expected exactly one corpus file, got ${positionals.length}. Run \`maskfill submit --help\`.`);
    }
    if (!isJobKind(values.kind)) throw new Error(`--kind must be fill-mask or score, got "${values.kind}".`);
    const format = values.format;
    if (format !== "txt" && format !== "jsonl" && format !== "csv") throw new Error(`--format must be txt, jsonl or csv, got "${format}".`);

    const options: Record<string, unknown> = {};
    if (values["top-k"] !== undefined) {
      if (values.kind !== "fill-mask") throw new Error("--top-k applies to --kind fill-mask only.");
      const topK = Number(values["top-k"]);
      if (!Number.isInteger(topK)) throw new Error(`--top-k must be a whole number, got "${values["top-k"]}".`);
      options.topK = topK;
    }
    if (values.variant !== undefined) {
      if (values.kind !== "score") throw new Error("--variant applies to --kind score only.");
      options.variant = values.variant;
    }
    const column = values.column === undefined ? undefined : /^\d+$/.test(values.column) ? Number(values.column) : values.column;

    const submitter = await resolveSubmitter(values.token ?? process.env.MASKFILL_API_TOKEN);
    const producer = MaskfillProducer.connect(loadConfig());
    try {
      const submission = await producer.submitCorpus({
        kind: values.kind,
        options,
        source: file,
        corpus: { format, ...(values.field === undefined ? {} : { field: values.field }), ...(column === undefined ? {} : { column }) },
      });
      if (submitter !== undefined) await recordSubmitter(submission.jobId, submitter);
      process.stdout.write(`${submission.jobId}\n`);
      process.stderr.write(`Queued ${submission.rows} rows in ${submission.chunks} chunks; ${submission.invalidRows} invalid rows stored as failed items.\n`);
      if (!values.wait) return 0;
      const view = await waitForJob(producer, submission.jobId);
      process.stderr.write(`Job ${view.id} ${view.status}: ${view.itemsDone} done, ${view.itemsFailed} failed of ${view.itemsTotal}.${view.error ? ` ${view.error}` : ""}\n`);
      return view.status === "completed" ? 0 : 1;
    } finally {
      await producer.close();
    }
  },
};

/** Polls the job every half second, printing progress to stderr, until it leaves queued/running. */
async function waitForJob(producer: MaskfillProducer, jobId: string): Promise<JobView> {
  let last = "";
  for (;;) {
    const view = await producer.getJob(jobId);
    const line = `${view.status} ${Math.floor(view.progress * 100)}% (${view.itemsDone + view.itemsFailed}/${view.itemsTotal})`;
    if (line !== last) process.stderr.write(`${line}\n`);
    last = line;
    if (view.status !== "queued" && view.status !== "running") return view;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
