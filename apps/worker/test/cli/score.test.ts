import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MODEL_NOTICE, Engine, summarizeScores, type ScoreResult } from "@maskfill/core";
import { runScore, type ScoreIo } from "../../src/cli/commands/score.ts";
import { formatNumber } from "../../src/cli/score-format.ts";

const TINY_DIR = fileURLToPath(new URL("../../../../packages/core/test/fixtures/tiny-roberta", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/maskfill.js", import.meta.url));

/** Runs the command in-process and returns its exit code and what it wrote. */
async function score(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: false });
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on("data", (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on("data", (chunk: Buffer) => chunks.stderr.push(chunk));
  const io: ScoreIo = { stdout, stderr, env };
  const code = await runScore(args, io);
  return { code, stdout: Buffer.concat(chunks.stdout).toString("utf8"), stderr: Buffer.concat(chunks.stderr).toString("utf8") };
}

/** Scores texts with the engine directly, for expected values. */
async function expectedScores(engine: Engine, texts: string[], variant: "original" | "within_word_l2r" = "original"): Promise<ScoreResult[]> {
  const outcomes = await engine.score(texts.map((text) => ({ text, variant })));
  return outcomes.map((outcome) => {
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.value;
  });
}

describe("maskfill score", () => {
  let workDir: string;
  let engine: Engine;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), "maskfill-score-cli-"));
    engine = await Engine.load({ modelDir: TINY_DIR });
  });
  afterAll(async () => {
    await engine.dispose();
    await rm(workDir, { recursive: true, force: true });
  });

  it("prints a per-token table and totals", async () => {
    const [expected] = await expectedScores(engine, ["The cat sat on the mat."]);
    const { code, stdout } = await score(["The cat sat on the mat.", "--model", TINY_DIR]);
    expect(code).toBe(0);
    expect(stdout).toContain("Model: tiny-roberta (fp32)");
    for (const token of expected!.tokens) {
      expect(stdout).toContain(`${JSON.stringify(token.token)}`);
      expect(stdout).toContain(token.logProb.toFixed(4));
    }
    expect(stdout).toContain(`PLL ${expected!.pll.toFixed(4)}  N ${expected!.tokenCount}  PLL/N ${expected!.meanPll.toFixed(4)}`);
    expect(stdout).toContain(`pseudo-perplexity ${formatNumber(expected!.pseudoPerplexity)}  (original)`);
    expect(stdout).not.toContain(DEMO_MODEL_NOTICE);
  });

  it("prints JSON lines with --json", async () => {
    const expected = await expectedScores(engine, ["One line.", "Two lines here."], "within_word_l2r");
    const { code, stdout } = await score(["One line.", "Two lines here.", "--json", "--variant", "within_word_l2r", "--model", TINY_DIR]);
    expect(code).toBe(0);
    const records = stdout.trim().split("\n").map((line) => JSON.parse(line) as ScoreResult & { line: number; model: string });
    expect(records).toHaveLength(2);
    expect(records.map((record) => record.line)).toEqual([1, 2]);
    expect(records[0]!.model).toBe("tiny-roberta");
    expect(records[0]!.variant).toBe("within_word_l2r");
    expect(records[1]!.tokens).toEqual(expected[1]!.tokens);
    expect(records[1]!.pll).toBe(expected[1]!.pll);
  });

  it("exits 1 on a blank text", async () => {
    const { code, stderr } = await score(["   ", "--model", TINY_DIR]);
    expect(code).toBe(1);
    expect(stderr).toContain("Error (empty_text)");
  });

  it("writes one record per corpus line", async () => {
    const input = join(workDir, "corpus.txt");
    const output = join(workDir, "scores.jsonl");
    await writeFile(input, "The cat sat on the mat.\n\n  \t\nMat the on sat cat the.\n\u00a0\nThe cat sat on the mat.\n");
    const { code, stderr } = await score(["--input", input, "--output", output, "--model", TINY_DIR]);
    expect(code).toBe(0);

    const records = (await readFile(output, "utf8")).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => record.line)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(records[1]).toEqual({ line: 2, skipped: "blank" });
    expect(records[2]).toEqual({ line: 3, skipped: "blank" });
    expect(records[4]).toEqual({ line: 5, skipped: "blank" });

    const expected = await expectedScores(engine, ["The cat sat on the mat.", "Mat the on sat cat the."]);
    expect(records[0]!.pll).toBe(expected[0]!.pll);
    expect(records[0]!.tokens).toEqual(expected[0]!.tokens);
    expect(records[0]!.model).toBe("tiny-roberta");
    expect(records[3]!.pll).toBe(expected[1]!.pll);
    expect(records[5]!.pll).toBe(expected[0]!.pll);

    const summary = summarizeScores([expected[0]!, expected[1]!, expected[0]!]);
    expect(stderr).toContain("Scored 3 lines with tiny-roberta (original); 0 errors, 3 blank lines skipped");
    expect(stderr).toContain(`Corpus pseudo-perplexity (micro-averaged, exp(-sum PLL / sum N)): ${formatNumber(summary.corpusPseudoPerplexity!)} over 3 sentences`);
    expect(stderr).toContain(`max ${formatNumber(summary.pseudoPerplexity!.max)}`);
    expect(stderr).toContain("[########################] 100%");
  });

  it("reports bad rows with line numbers", async () => {
    const input = join(workDir, "corpus.jsonl");
    await writeFile(input, '{"text": "A fine line."}\n{"text": \n{"sentence": "wrong key"}\n{"text": "Another fine line."}\n');
    const { code, stdout, stderr } = await score(["--input", input, "--no-tokens", "--no-progress", "--variant", "within_word_l2r", "--model", TINY_DIR]);
    expect(code).toBe(1);
    const records = stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => record.line)).toEqual([1, 2, 3, 4]);
    expect(records[0]!.variant).toBe("within_word_l2r");
    expect(records[0]!.tokens).toBeUndefined();
    expect((records[1]!.error as { code: string }).code).toBe("invalid_json");
    expect((records[2]!.error as { code: string }).code).toBe("missing_field");
    expect(stderr).toContain("Scored 2 lines with tiny-roberta (within_word_l2r); 2 errors (lines 2, 3), 0 blank lines skipped.");
    expect(stderr).not.toContain("100%");
  });

  it("rejects output equal to input", async () => {
    const input = join(workDir, "keep.txt");
    await writeFile(input, "Keep this line.\n");
    await expect(score(["--input", input, "--output", input, "--model", TINY_DIR])).rejects.toThrow(
      `--output ${input} is the input file; writing there would destroy the corpus. Choose another output path.`,
    );
    expect(await readFile(input, "utf8")).toBe("Keep this line.\n");
  });

  it("output into a missing directory", async () => {
    const input = join(workDir, "keep-score.txt");
    await writeFile(input, "Keep this line.\n");
    const missing = join(workDir, "no-such-dir", "scores.jsonl");
    await expect(score(["--input", input, "--output", missing, "--model", TINY_DIR, "--no-progress"])).rejects.toThrow(
      `cannot write ${missing}: the directory ${join(workDir, "no-such-dir")} does not exist; create it or choose another --output path.`,
    );
    expect(await readFile(input, "utf8")).toBe("Keep this line.\n");
  });

  it("escapes allowed control characters in tables", async () => {
    const { code, stdout } = await score(["tab\there \u202e and\r here", "--model", TINY_DIR]);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    expect(stdout).toContain("tab\\there \\u202e and\\r here\n");
  });

  it("rejects control characters and surrogates", async () => {
    const { code, stdout, stderr } = await score(["bell \u0007 and \u001b[2J here", "A fine sentence.", "lone \udc00 here", "--model", TINY_DIR]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "Error (control_character): Text 1 contains the control character U+0007 at character 6; remove control characters (tab and line breaks are allowed).\n" +
        "Error (invalid_unicode): Text 3 contains the unpaired surrogate U+DC00 at character 6; pass the text as valid UTF-8.\n",
    );
    expect(stdout).toContain("A fine sentence.\n");
    expect(stdout.match(/pseudo-perplexity/g)).toHaveLength(1);
  });

  it("rejects a control character in JSON", async () => {
    const { code, stdout } = await score(["del \u007f here", "--json", "--model", TINY_DIR]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout.trim())).toEqual({
      line: 1,
      text: "del \u007f here",
      error: { code: "control_character", message: "Text 1 contains the control character U+007F at character 5; remove control characters (tab and line breaks are allowed)." },
    });
  });

  it("rejects a missing input file", async () => {
    const missing = join(workDir, "missing.txt");
    await expect(score(["--input", missing, "--model", TINY_DIR])).rejects.toThrow(`input file not found: ${missing}. Check the path.`);
  });

  it("rejects an unknown variant", async () => {
    await expect(score(["A line.", "--variant", "l2r", "--model", TINY_DIR])).rejects.toThrow('--variant must be original or within_word_l2r; got "l2r".');
  });

  it("rejects corpus options without --input", async () => {
    await expect(score(["A line.", "--output", "x.jsonl"])).rejects.toThrow("--output, --no-tokens, --format, --field, --column, --header and --chunk-size apply to --input only.");
    await expect(score([])).rejects.toThrow("give a sentence to score");
  });

  it("runs through the maskfill binary", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, "score", "A short line.", "--json", "--model", TINY_DIR]);
    const record = JSON.parse(stdout.trim()) as ScoreResult;
    const [expected] = await expectedScores(engine, ["A short line."]);
    expect(record.pll).toBe(expected!.pll);
  });
});
