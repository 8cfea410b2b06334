import { describeJobs, parseRows, rethrowMissingParent, sentenceScoreRowSchema, type DatabaseClient, type JobRows, type SentenceScoreRow } from "./bulk-rows";
import { BulkWriteError } from "./bulk-write-error";

export interface InsertedScores {
  sentences: number;
  tokens: number;
}

/**
 * Inserts sentence scores and their token scores for one job in a single statement, so both
 * appear together or not at all. Rows whose key already exists ((jobId, lineNumber) for
 * sentences, plus position for tokens) are skipped, so a retried chunk never duplicates a row.
 * Returns the numbers of rows inserted. Throws BulkWriteError for invalid or duplicate rows and
 * when a row's item does not exist.
 */
export function insertSentenceScores(db: DatabaseClient, jobId: string, rows: readonly SentenceScoreRow[]): Promise<InsertedScores> {
  return insertSentenceScoresOfJobs(db, [{ jobId, rows }]);
}

/** Inserts the sentence and token scores of several jobs in a single statement; see insertSentenceScores. */
export async function insertSentenceScoresOfJobs(db: DatabaseClient, groups: readonly JobRows<SentenceScoreRow>[]): Promise<InsertedScores> {
  const scores = groups.flatMap(({ jobId, rows }) =>
    parseRows("sentence score", jobId, rows, sentenceScoreRowSchema, (row) => `line ${row.lineNumber}`).map((row) => ({ jobId, ...row })),
  );
  const tokens = scores.flatMap((score) => score.tokens.map((token) => ({ jobId: score.jobId, lineNumber: score.lineNumber, ...token })));
  assertUniquePositions(tokens);
  if (scores.length === 0) {
    return { sentences: 0, tokens: 0 };
  }

  try {
    const [counts] = await db.$queryRaw<{ sentences: number; tokens: number }[]>`
      WITH sentences AS (
        INSERT INTO sentence_scores (job_id, line_number, variant, model_name, pll, token_count, mean_pll, pseudo_perplexity)
        SELECT input.*
        FROM unnest(
          ${scores.map((row) => row.jobId)}::uuid[],
          ${scores.map((row) => row.lineNumber)}::int[],
          ${scores.map((row) => row.variant)}::score_variant[],
          ${scores.map((row) => row.modelName)}::text[],
          ${scores.map((row) => row.pll)}::float8[],
          ${scores.map((row) => row.tokenCount)}::int[],
          ${scores.map((row) => row.meanPll)}::float8[],
          ${scores.map((row) => row.pseudoPerplexity)}::float8[]
        ) AS input
        ON CONFLICT (job_id, line_number) DO NOTHING
        RETURNING 1
      ), tokens AS (
        INSERT INTO token_scores (job_id, line_number, position, token_id, token, word_index, log_prob)
        SELECT input.*
        FROM unnest(
          ${tokens.map((row) => row.jobId)}::uuid[],
          ${tokens.map((row) => row.lineNumber)}::int[],
          ${tokens.map((row) => row.position)}::int[],
          ${tokens.map((row) => row.tokenId)}::int[],
          ${tokens.map((row) => row.token)}::text[],
          ${tokens.map((row) => row.wordIndex)}::int[],
          ${tokens.map((row) => row.logProb)}::float8[]
        ) AS input
        ON CONFLICT (job_id, line_number, position) DO NOTHING
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM sentences)::int AS sentences, (SELECT count(*) FROM tokens)::int AS tokens`;
    return { sentences: counts?.sentences ?? 0, tokens: counts?.tokens ?? 0 };
  } catch (error) {
    rethrowMissingParent(error, `Cannot insert sentence scores for ${describeJobs(groups)}: some rows refer to items that do not exist. Insert the job items first.`);
  }
}

function assertUniquePositions(tokens: readonly { jobId: string; lineNumber: number; position: number }[]): void {
  const seen = new Set<string>();
  for (const token of tokens) {
    const key = `line ${token.lineNumber}, position ${token.position}`;
    if (seen.has(`${token.jobId} ${key}`)) {
      throw new BulkWriteError("duplicate_rows", `Duplicate token score (${key}): each position may appear once per sentence.`);
    }
    seen.add(`${token.jobId} ${key}`);
  }
}
