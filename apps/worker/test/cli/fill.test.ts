import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MODEL_NOTICE, Engine } from "@maskfill/core";
import { runFill, type FillIo } from "../../src/cli/commands/fill.ts";
import { runMaskfill } from "../helpers.ts";

const TINY_DIR = fileURLToPath(new URL("../../../../packages/core/test/fixtures/tiny-roberta", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/maskfill.js", import.meta.url));

/** Runs the command in-process and returns its exit code and what it wrote. */
async function fill(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: false });
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  stdout.on("data", (chunk: Buffer) => chunks.stdout.push(chunk));
  stderr.on("data", (chunk: Buffer) => chunks.stderr.push(chunk));
  const io: FillIo = { stdout, stderr, env };
  const code = await runFill(args, io);
  return { code, stdout: Buffer.concat(chunks.stdout).toString("utf8"), stderr: Buffer.concat(chunks.stderr).toString("utf8") };
}

describe("maskfill fill", () => {
  let workDir: string;
  let engine: Engine;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), "maskfill-fill-cli-"));
    engine = await Engine.load({ modelDir: TINY_DIR });
  });
  afterAll(async () => {
    await engine.dispose();
    await rm(workDir, { recursive: true, force: true });
  });

  it("prints a table of predictions", async () => {
    const [expected] = await engine.fillMask([{ text: "The cat sat on the <mask>.", topK: 3 }]);
    if (!expected?.ok) throw new Error("engine failed");
    const { code, stdout } = await fill(["The cat sat on the <mask>.", "--top-k", "3", "--model", TINY_DIR]);
    expect(code).toBe(0);
    expect(stdout).toContain("Model: tiny-roberta (fp32)");
    expect(stdout).toContain("mask 1 of 1");
    for (const prediction of expected.value.masks[0]!) {
      expect(stdout).toContain(JSON.stringify(prediction.token));
      expect(stdout).toContain(prediction.sequence);
      expect(stdout).toContain(prediction.probability.toFixed(4));
    }
    expect(stdout).not.toContain(DEMO_MODEL_NOTICE);
  });

  it("prints JSON lines with --json", async () => {
    const [expected] = await engine.fillMask([{ text: "Hello <mask> world", topK: 2 }]);
    if (!expected?.ok) throw new Error("engine failed");
    const { code, stdout } = await fill(["Hello <mask> world", "--top-k", "2", "--json", "--model", TINY_DIR]);
    expect(code).toBe(0);
    const record = JSON.parse(stdout.trim()) as { line: number; masks: unknown };
    expect(record.line).toBe(1);
    expect(record.masks).toEqual(expected.value.masks);
  });

  it("uses MASKFILL_MODEL_DIR without --model", async () => {
    const { stdout } = await fill(["The <mask>."], { MASKFILL_MODEL_DIR: TINY_DIR });
    expect(stdout).toContain("Model: tiny-roberta");
  });

  it("notes the bundled demo model", async () => {
    const { code, stdout } = await fill(["The cat sat on the <mask>."]);
    expect(code).toBe(0);
    expect(stdout).toContain("Model: mini-roberta (quantized)");
    expect(stdout).toContain("small demo model");
    expect(stdout).toContain("maskfill model fetch roberta-large");
  });

  it("exits 1 on a text without mask", async () => {
    const { code, stderr } = await fill(["No mask here.", "--model", TINY_DIR]);
    expect(code).toBe(1);
    expect(stderr).toContain("Error (no_mask)");
  });

  it("rejects a missing text", async () => {
    await expect(fill(["--model", TINY_DIR])).rejects.toThrow(/give a text to fill/);
  });

  it("rejects an invalid --top-k", async () => {
    await expect(fill(["The <mask>.", "--top-k", "1.5", "--model", TINY_DIR])).rejects.toThrow(`--top-k must be an integer from 1 to the model's vocabulary size; got "1.5".`);
  });

  it("rejects --output without --input", async () => {
    await expect(fill(["The <mask>.", "--output", "x.jsonl"])).rejects.toThrow("apply to --input only");
  });

  it("streams a corpus with one line per input line", async () => {
    const input = join(workDir, "corpus.txt");
    const output = join(workDir, "results.jsonl");
    const lines = ["The cat sat on the <mask>.", "", "No mask in this line.", "Two <mask> and <mask>.", "Bad \u0001 control <mask>"];
    await writeFile(input, `${lines.join("\n")}\n`);

    const { code, stderr } = await fill(["--input", input, "--output", output, "--model", TINY_DIR, "--chunk-size", "2"]);
    expect(code).toBe(1);
    const records = (await readFile(output, "utf8")).trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => record.line)).toEqual([1, 2, 3, 4, 5]);
    expect(records[0]!.masks).toHaveLength(1);
    expect(records[1]).toEqual({ line: 2, skipped: "blank" });
    expect((records[2]!.error as { code: string }).code).toBe("no_mask");
    expect(records[3]!.masks).toHaveLength(2);
    expect((records[4]!.error as { code: string }).code).toBe("control_character");
    expect(stderr).toContain("Filled 2 lines; 2 errors, 1 blank lines");
    expect(stderr).toContain("100%");
  });

  it("exits 0 when every line filled", async () => {
    const input = join(workDir, "clean.txt");
    await writeFile(input, "One <mask>.\n\nTwo <mask>.\n");
    const { code, stderr } = await fill(["--input", input, "--model", TINY_DIR, "--no-progress"]);
    expect(code).toBe(0);
    expect(stderr).toContain("Filled 2 lines; 0 errors, 1 blank lines.");
  });

  it("exits 1 when every line failed", async () => {
    const input = join(workDir, "bad.txt");
    await writeFile(input, "nul \u0000 <mask>\nbell \u0007 <mask>\n");
    const { code, stderr } = await fill(["--input", input, "--model", TINY_DIR, "--no-progress"]);
    expect(code).toBe(1);
    expect(stderr).toContain("Filled 0 lines; 2 errors, 0 blank lines.");
  });

  it("output into a missing directory", async () => {
    const input = join(workDir, "keep.txt");
    await writeFile(input, "Keep <mask>.\n");
    const missing = join(workDir, "no-such-dir", "x.jsonl");
    await expect(fill(["--input", input, "--output", missing, "--model", TINY_DIR, "--no-progress"])).rejects.toThrow(
      `cannot write ${missing}: the directory ${join(workDir, "no-such-dir")} does not exist; create it or choose another --output path.`,
    );
    expect(await readFile(input, "utf8")).toBe("Keep <mask>.\n");
  });

  it("output onto the input file", async () => {
    const input = join(workDir, "same-as-output.txt");
    await writeFile(input, "Keep <mask>.\n");
    await expect(fill(["--input", input, "--output", input, "--model", TINY_DIR])).rejects.toThrow(
      `--output ${input} is the input file; choose another path, because writing it would overwrite the input.`,
    );
    expect(await readFile(input, "utf8")).toBe("Keep <mask>.\n");
  });

  it("escapes allowed control characters in tables", async () => {
    const text = "tab\there \u202e <mask> end\r";
    const { code, stdout } = await fill([text, "--top-k", "2", "--model", TINY_DIR]);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
    expect(stdout).toContain("tab\\there \\u202e <mask> end\\r\n");
  });

  it("keeps allowed characters exact in JSON", async () => {
    const text = "tab\there \u202e <mask> end\r";
    const { code, stdout } = await fill([text, "--json", "--model", TINY_DIR]);
    expect(code).toBe(0);
    expect((JSON.parse(stdout.trim()) as { text: string }).text).toBe(text);
  });

  it("rejects a control character", async () => {
    const { code, stdout, stderr } = await fill(["A\u0001 <mask>", "The <mask> sat.", "esc \u001b[31m <mask>", "--top-k", "1", "--model", TINY_DIR]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "Error (control_character): Text 1 contains the control character U+0001 at character 2; remove control characters (tab and line breaks are allowed).\n" +
        "Error (control_character): Text 3 contains the control character U+001B at character 5; remove control characters (tab and line breaks are allowed).\n",
    );
    expect(stdout).toContain("The <mask> sat.\n");
    expect(stdout.match(/mask 1 of 1/g)).toHaveLength(1);
  });

  it("rejects control characters in JSON", async () => {
    const { code, stdout } = await fill(["bell \u0007 <mask>", "nul\u0000 <mask>", "--json", "--model", TINY_DIR]);
    expect(code).toBe(1);
    const records = stdout.trim().split("\n").map((line) => JSON.parse(line) as unknown);
    expect(records).toEqual([
      {
        line: 1,
        text: "bell \u0007 <mask>",
        error: { code: "control_character", message: "Text 1 contains the control character U+0007 at character 6; remove control characters (tab and line breaks are allowed)." },
      },
      {
        line: 2,
        text: "nul\u0000 <mask>",
        error: { code: "control_character", message: "Text 2 contains the control character U+0000 at character 4; remove control characters (tab and line breaks are allowed)." },
      },
    ]);
  });

  it("rejects an unpaired surrogate", async () => {
    const { code, stderr } = await fill(["C1 \u0085 <mask>", "lone \ud800 <mask>", "--model", TINY_DIR]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      "Error (control_character): Text 1 contains the control character U+0085 at character 4; remove control characters (tab and line breaks are allowed).\n" +
        "Error (invalid_unicode): Text 2 contains the unpaired surrogate U+D800 at character 6; pass the text as valid UTF-8.\n",
    );
  });

  it("binary rejects a control character", async () => {
    const result = await runMaskfill(["fill", "A\u0001 <mask>", "--model", TINY_DIR], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("Error (control_character): Text 1 contains the control character U+0001 at character 2; remove control characters (tab and line breaks are allowed).\n");
  });

  it("cuts a long echoed sentence", async () => {
    const text = `${"word ".repeat(100)}<mask>.`;
    const { code, stdout } = await fill([text, "--top-k", "1", "--model", TINY_DIR]);
    expect(code).toBe(0);
    const sentenceLine = stdout.split("\n")[2]!;
    expect(sentenceLine).toBe(`${text.slice(0, 300)}… (${text.length - 300} more characters; use --json for the full text)`);
  });

  it("rejects a negative --top-k", async () => {
    await expect(fill(["The <mask>.", "--top-k", "-1", "--model", TINY_DIR])).rejects.toThrow(
      `--top-k must be an integer from 1 to the model's vocabulary size; got "-1".`,
    );
  });

  it("rejects --top-k above the vocabulary", async () => {
    const vocabSize = engine.info.vocabSize;
    await expect(fill(["The <mask>.", "--top-k", String(vocabSize + 1), "--model", TINY_DIR])).rejects.toThrow(
      `--top-k must be an integer from 1 to ${vocabSize}; got "${vocabSize + 1}".`,
    );
    const atLimit = await fill(["The <mask>.", "--top-k", String(vocabSize), "--keep-special-tokens", "--json", "--model", TINY_DIR]);
    expect(atLimit.code).toBe(0);
    expect((JSON.parse(atLimit.stdout.trim()) as { masks: unknown[][] }).masks[0]).toHaveLength(vocabSize);
  });

  it("out-of-range --top-k exits 2", async () => {
    const huge = await runMaskfill(["fill", "The <mask>.", "--top-k", "9999999", "--model", TINY_DIR], {});
    expect(huge.stderr).toBe(`maskfill fill: --top-k must be an integer from 1 to ${engine.info.vocabSize}; got "9999999".\n`);
    expect(huge.code).toBe(2);
    const zero = await runMaskfill(["fill", "The <mask>.", "--top-k", "0", "--model", TINY_DIR], {});
    expect(zero.stderr).toBe(`maskfill fill: --top-k must be an integer from 1 to the model's vocabulary size; got "0".\n`);
    expect(zero.code).toBe(2);
  });

  it("rejects an unsafe --chunk-size", async () => {
    const input = join(workDir, "chunk-size.txt");
    await writeFile(input, "One <mask>.\n");
    await expect(fill(["--input", input, "--chunk-size", "99999999999999999999", "--model", TINY_DIR])).rejects.toThrow(
      `--chunk-size must be an integer from 1 to ${Number.MAX_SAFE_INTEGER}; got "99999999999999999999".`,
    );
    await expect(fill(["--input", input, "--chunk-size", "0", "--model", TINY_DIR])).rejects.toThrow(`--chunk-size must be an integer of at least 1; got "0".`);
  });

  it("usage errors exit 2", async () => {
    const unknown = await runMaskfill(["fill", "The <mask>.", "--colour"], {});
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("maskfill fill: Unknown option '--colour'. Run `maskfill fill --help` for the options.\n");
    const missing = await runMaskfill(["fill", "The <mask>.", "--top-k"], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("maskfill fill: --top-k is missing its value. Run `maskfill fill --help` for the options.\n");
    const negative = await runMaskfill(["fill", "The <mask>.", "--top-k", "-1", "--model", TINY_DIR], {});
    expect(negative.code).toBe(2);
    expect(negative.stderr).toContain(`maskfill fill: --top-k must be an integer from 1 to the model's vocabulary size; got "-1".\n`);
  });

  it("matches single-text results in corpus mode", async () => {
    const input = join(workDir, "same.txt");
    await writeFile(input, "Hello <mask> world\n");
    const { stdout } = await fill(["--input", input, "--model", TINY_DIR, "--no-progress"]);
    const [expected] = await engine.fillMask([{ text: "Hello <mask> world" }]);
    if (!expected?.ok) throw new Error("engine failed");
    expect((JSON.parse(stdout.trim()) as { masks: unknown }).masks).toEqual(expected.value.masks);
  });

  it("reads jsonl with --field", async () => {
    const input = join(workDir, "corpus.jsonl");
    await writeFile(input, `${JSON.stringify({ meta: { sentence: "The <mask>." } })}\n`);
    const { stdout } = await fill(["--input", input, "--field", "meta.sentence", "--model", TINY_DIR, "--no-progress"]);
    expect((JSON.parse(stdout.trim()) as { text: string }).text).toBe("The <mask>.");
  });

  it("runs through the maskfill binary", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [BIN, "fill", "The <mask>.", "--json", "--model", TINY_DIR]);
    expect((JSON.parse(stdout.trim()) as { masks: unknown[] }).masks).toHaveLength(1);
  });
});
