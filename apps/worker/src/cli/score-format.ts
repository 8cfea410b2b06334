import type { CorpusScoreSummary, Outcome, ScoreResult } from "@maskfill/core";
import { escapeControlCharacters, terminalText } from "./terminal-text.ts";

/** One output record of `maskfill score`: a score, an error or a skipped blank line. */
export type ScoreLine =
  | ({ line: number; model: string } & Omit<ScoreResult, "window" | "tokens"> & { tokens?: ScoreResult["tokens"] })
  | { line: number; text?: string; error: { code: string; message: string } }
  | { line: number; skipped: "blank" };

/**
 * Builds the output record of one engine outcome (line numbers are 1-based, as in editors).
 * `withTokens` false leaves out the per-token list, which is most of a record's size.
 */
export function toScoreLine(line: number, text: string, model: string, outcome: Outcome<ScoreResult>, withTokens: boolean): ScoreLine {
  if (!outcome.ok) {
    return { line, text, error: outcome.error };
  }
  const { variant, pll, tokenCount, meanPll, pseudoPerplexity, tokens } = outcome.value;
  const record = { line, model, text: outcome.value.text, variant, pll, tokenCount, meanPll, pseudoPerplexity };
  return withTokens ? { ...record, tokens } : record;
}

/**
 * Formats one result as a text table: one row per token with its position, JSON-quoted text
 * (so leading spaces show), word index and log-probability, then the sentence totals.
 */
export function formatScoreTable(result: ScoreResult): string {
  const tokens = result.tokens.map((token) => escapeControlCharacters(JSON.stringify(token.token)));
  const tokenWidth = Math.max(5, ...tokens.map((token) => token.length));
  const lines = [terminalText(result.text), `  ${"pos".padStart(4)}  ${"token".padEnd(tokenWidth)}  ${"word".padStart(4)}  ${"log-prob".padStart(9)}`];
  result.tokens.forEach((token, index) => {
    lines.push(`  ${String(token.position).padStart(4)}  ${tokens[index]!.padEnd(tokenWidth)}  ${String(token.wordIndex).padStart(4)}  ${token.logProb.toFixed(4).padStart(9)}`);
  });
  lines.push(
    `  PLL ${result.pll.toFixed(4)}  N ${result.tokenCount}  PLL/N ${result.meanPll.toFixed(4)}  pseudo-perplexity ${formatNumber(result.pseudoPerplexity)}  (${result.variant})`,
  );
  return `${lines.join("\n")}\n`;
}

/** Formats the corpus summary as text lines: corpus pseudo-perplexity, sentence quantiles and a log-scale histogram. */
export function formatCorpusSummary(summary: CorpusScoreSummary): string {
  const distribution = summary.pseudoPerplexity;
  if (summary.corpusPseudoPerplexity === null || distribution === null) {
    return "No sentence was scored, so there is no corpus summary.\n";
  }
  const lines = [
    `Corpus pseudo-perplexity (micro-averaged, exp(-sum PLL / sum N)): ${formatNumber(summary.corpusPseudoPerplexity)} over ${summary.sentences} sentences and ${summary.tokens} tokens`,
    `Sentence pseudo-perplexity: min ${formatNumber(distribution.min)}, ${distribution.quantiles
      .map((quantile) => `p${Math.round(quantile.quantile * 100)} ${formatNumber(quantile.value)}`)
      .join(", ")}, max ${formatNumber(distribution.max)}, mean ${formatNumber(distribution.mean)}`,
    "Histogram of sentence pseudo-perplexity (log-scale bins):",
  ];
  const largest = Math.max(...distribution.histogram.map((bin) => bin.count));
  const labels = distribution.histogram.map((bin) => `${formatNumber(bin.lower)} - ${formatNumber(bin.upper)}`);
  const labelWidth = Math.max(...labels.map((label) => label.length));
  distribution.histogram.forEach((bin, index) => {
    const bar = "#".repeat(Math.round((bin.count / largest) * 40));
    lines.push(`  ${labels[index]!.padStart(labelWidth)}  ${String(bin.count).padStart(6)}  ${bar}`.trimEnd());
  });
  return `${lines.join("\n")}\n`;
}

/** Formats a positive number with four significant digits, switching to exponent form for very large or small values. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  return value >= 1e6 || (value !== 0 && value < 1e-3) ? value.toExponential(3) : value.toPrecision(4);
}
