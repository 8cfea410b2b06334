import { isJobKind, loadConfig, MaskfillProducer, MAX_TOP_K, type JobView } from "@maskfill/core/queue";
import { integerOption, parseCliArgs, UsageError } from "../cli-options.ts";
import { corpusArgs } from "../corpus-args.ts";
import { recordSubmitter, resolveSubmitter } from "./auth-cli.ts";
import type { CliCommand } from "./index.ts";

const HELP = `Usage: maskfill submit FILE [--kind fill-mask|score] [--top-k N] [--format txt|jsonl|csv] [--wait]

Stores a corpus file in Postgres and queues it for the workers. Prints the job id.
  --kind KIND        fill-mask (default) or score
  --top-k N          predictions per mask for fill-mask, 1-1000 (default 5)
  --variant NAME     score variant: original (default) or within_word_l2r
  --format FORMAT    txt (one sentence per line), jsonl or csv (default: from the file
                     extension: .txt, .text, .jsonl, .ndjson or .csv)
  --field PATH       jsonl: key of the text (default "text")
  --column NAME      csv: header name or 0-based index of the text column
  --header MODE      csv: true, false or auto (default: auto, guessed from the first rows)
  --wait             print progress until the job finishes; exit code 1 unless it ends
                     completed with no failed line (a job whose every row failed ends failed)
  --token TOKEN      API token (mf_...) of an operator, recorded as the job's owner;
                     default $MASKFILL_API_TOKEN

Exit status: 0 once queued (with --wait: once the job completed and no line failed), 1 when
the job or any of its lines failed or the job could not be queued, 2 for an invalid command line.
`;

/** `maskfill submit`: submits a corpus file as a job. */
export const submitCommand: CliCommand = {
  summary: "Submit a corpus file to the job queue",
  async run(args) {
    const { values, positionals } = parseCliArgs(
      args,
      {
        kind: { type: "string", default: "fill-mask" },
        "top-k": { type: "string" },
        variant: { type: "string" },
        format: { type: "string" },
        field: { type: "string" },
        column: { type: "string" },
        header: { type: "string" },
        wait: { type: "boolean", default: false },
        token: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      "submit",
    );
    if (values.help) {
      process.stdout.write(HELP);
      return 0;
    }
    const file = positionals[0];
    if (file === undefined || positionals.length > 1) {
      throw new UsageError(`expected exactly one corpus file, got ${positionals.length}. Run \`maskfill submit --help\`.`);
    }
    if (!isJobKind(values.kind)) throw new UsageError(`--kind must be fill-mask or score; got "${values.kind}".`);
    const corpus = corpusArgs(values, file);

    const options: Record<string, unknown> = {};
    if (values["top-k"] !== undefined) {
      if (values.kind !== "fill-mask") throw new UsageError("--top-k applies to --kind fill-mask only.");
      options.topK = integerOption("top-k", values["top-k"], 1, MAX_TOP_K);
    }
    if (values.variant !== undefined) {
      if (values.kind !== "score") throw new UsageError("--variant applies to --kind score only.");
      options.variant = values.variant;
    }

    const submitter = await resolveSubmitter(values.token ?? process.env.MASKFILL_API_TOKEN);
    const producer = MaskfillProducer.connect(loadConfig());
    try {
      const submission = await producer.submitCorpus({
        kind: values.kind,
        options,
        source: file,
        corpus,
      });
      if (submitter !== undefined) await recordSubmitter(submission.jobId, submitter);
      process.stdout.write(`${submission.jobId}\n`);
      process.stderr.write(`Queued ${submission.rows} rows in ${submission.chunks} chunks; ${submission.invalidRows} invalid rows stored as failed items.\n`);
      if (!values.wait) return 0;
      const view = await waitForJob(producer, submission.jobId);
      process.stderr.write(`Job ${view.id} ${view.status}: ${view.itemsDone} done, ${view.itemsFailed} failed of ${view.itemsTotal}.${view.error ? ` ${view.error}` : ""}\n`);
      // A completed corpus job may still contain failed lines (rejected rows or engine errors).
      return view.status === "completed" && view.itemsFailed === 0 ? 0 : 1;
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
