// Command-line and input helpers shared by the benchmark scripts bench.ts and bench-score.ts.
import { readFile } from "node:fs/promises";
import { cpus } from "node:os";

/** Parses an integer option of at least `min`, naming the option in the error. */
export function integerOption(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new Error(`--${name} must be an integer of at least ${min}; got "${value}".`);
  }
  return parsed;
}

/** Picks `limit` evenly spaced items, keeping their order. */
export function evenlySpaced<T>(items: T[], limit: number): T[] {
  if (limit >= items.length) return items;
  return Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)]!);
}

/** Reads a UTF-8 file and returns its lines that are not blank. */
export async function readNonBlankLines(path: string): Promise<string[]> {
  return (await readFile(path, "utf8")).split("\n").filter((line) => line.trim() !== "");
}

/** Describes the machine for a benchmark record: CPU count and model, and the Node version. */
export function describeMachine(): string {
  return `${cpus().length} x ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`;
}
