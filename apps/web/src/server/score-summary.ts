import type { PrismaClient } from "@maskfill/core/db";
import type { HistogramBinView, ScoreSummaryView } from "../lib/score-types.ts";

/** Quantiles of sentence PPPL in the summary; the same defaults as the engine's summarizeScores. */
export const SUMMARY_QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95];

interface TotalsRow {
  sentences: number;
  tokens: number;
  total_pll: number;
  min_log: number | null;
  max_log: number | null;
  mean_pppl: number | null;
  quantiles: number[] | null;
}

/**
 * Summarises a score job in SQL, without reading its rows into memory. The figures follow the
 * engine's summarizeScores. The corpus PPPL is the micro average exp(-sum PLL / sum N). The
 * quantiles of sentence PPPL interpolate linearly between neighbours (percentile_cont, the
 * method numpy.quantile uses by default). The histogram has `bins` bins of equal width in
 * log(PPPL) from min to max, the last bin including max. log(PPPL) is -mean_pll, which stays
 * finite where PPPL itself can overflow.
 */
export async function readScoreSummary(prisma: PrismaClient, jobId: string, bins: number): Promise<ScoreSummaryView> {
  const [totals] = await prisma.$queryRaw<TotalsRow[]>`
    SELECT count(*)::int AS sentences,
           coalesce(sum(token_count), 0)::float8 AS tokens,
           coalesce(sum(pll), 0)::float8 AS total_pll,
           min(-mean_pll) AS min_log,
           max(-mean_pll) AS max_log,
           avg(pseudo_perplexity) AS mean_pppl,
           percentile_cont(${SUMMARY_QUANTILES}::float8[]) WITHIN GROUP (ORDER BY pseudo_perplexity) AS quantiles
    FROM sentence_scores
    WHERE job_id = ${jobId}::uuid`;
  if (totals === undefined || totals.sentences === 0 || totals.min_log === null || totals.max_log === null) {
    return { sentences: 0, tokens: 0, totalPll: 0, corpusPseudoPerplexity: null, pseudoPerplexity: null };
  }
  return {
    sentences: totals.sentences,
    tokens: totals.tokens,
    totalPll: totals.total_pll,
    corpusPseudoPerplexity: Math.exp(-totals.total_pll / totals.tokens),
    pseudoPerplexity: {
      min: Math.exp(totals.min_log),
      max: Math.exp(totals.max_log),
      mean: totals.mean_pppl ?? 0,
      quantiles: SUMMARY_QUANTILES.map((quantile, index) => ({ quantile, value: totals.quantiles?.[index] ?? 0 })),
      histogram: await readHistogram(prisma, jobId, totals.min_log, totals.max_log, totals.sentences, bins),
    },
  };
}

/** Counts rows per log(PPPL) bin with one GROUP BY; bins without rows get a count of 0. */
async function readHistogram(prisma: PrismaClient, jobId: string, minLog: number, maxLog: number, count: number, bins: number): Promise<HistogramBinView[]> {
  if (minLog === maxLog) return [{ lower: Math.exp(minLog), upper: Math.exp(maxLog), count }];
  const width = (maxLog - minLog) / bins;
  const rows = await prisma.$queryRaw<{ bin: number; count: number }[]>`
    SELECT least(${bins - 1}, floor((-mean_pll - ${minLog}) / ${width}))::int AS bin, count(*)::int AS count
    FROM sentence_scores
    WHERE job_id = ${jobId}::uuid
    GROUP BY 1`;
  const counts = new Array<number>(bins).fill(0);
  for (const row of rows) counts[row.bin] = row.count;
  return counts.map((binCount, bin) => ({
    lower: Math.exp(minLog + bin * width),
    upper: bin === bins - 1 ? Math.exp(maxLog) : Math.exp(minLog + (bin + 1) * width),
    count: binCount,
  }));
}
