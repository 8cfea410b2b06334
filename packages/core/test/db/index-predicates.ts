/**
 * WHERE predicates of partial indexes in schema.prisma. Prisma's DMMF parses
 * `@@index([...], where: raw("..."))` (preview feature partialIndexes) but does not return the
 * predicate, so the drift check reads it from the schema text here.
 */
import type pg from "pg";

/** Key of an index: the model name and its field names, e.g. "FillMaskResult(jobId,probability)". */
export function indexKey(model: string, fields: string[]): string {
  return `${model}(${fields.join(",")})`;
}

/** Splits "a, b(sort: Desc, length: 4), c" at the commas outside parentheses. */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const character of list) {
    if (character === "(") depth += 1;
    if (character === ")") depth -= 1;
    if (character === "," && depth === 0) {
      parts.push(current);
      current = "";
      continue;
    }
    current += character;
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== "");
}

/**
 * Returns the raw SQL predicate of every `@@index` or `@@unique` with a `where:` argument, by
 * indexKey. Throws for the object form (`where: { ... }`), which this check does not translate.
 */
export function readIndexPredicates(schema: string): Map<string, string> {
  const predicates = new Map<string, string>();
  for (const model of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const modelName = model[1] ?? "";
    for (const line of (model[2] ?? "").split("\n")) {
      const attribute = /^\s*@@(?:index|unique)\(\[([^\]]*)\](.*)\)\s*$/.exec(line);
      if (attribute === null || !/\bwhere\s*:/.test(attribute[2] ?? "")) continue;
      const raw = /\bwhere\s*:\s*raw\(\s*"((?:[^"\\]|\\.)*)"\s*\)/.exec(attribute[2] ?? "");
      if (raw === null) {
        throw new Error(`${modelName}: the drift check reads only where: raw("...") predicates, not "${line.trim()}"; write the predicate as raw SQL.`);
      }
      const fields = splitTopLevel(attribute[1] ?? "").map((field) => field.split("(")[0]?.trim() ?? field);
      predicates.set(indexKey(modelName, fields), JSON.parse(`"${raw[1] ?? ""}"`) as string);
    }
  }
  return predicates;
}

/**
 * Returns `predicate` as pg_get_indexdef() prints it (for example "((rank = 1) AND (mask_index = 0))"),
 * by creating a partial index on a temporary copy of `table` inside a transaction that is rolled
 * back. Throws with PostgreSQL's message when the predicate is not valid for the table.
 */
export async function normalizePredicate(client: pg.Client, table: string, column: string, predicate: string, quote: (name: string) => string): Promise<string> {
  await client.query("BEGIN");
  try {
    await client.query(`CREATE TEMP TABLE drift_predicate_probe (LIKE public.${quote(table)})`);
    await client.query(`CREATE INDEX drift_predicate_probe_idx ON drift_predicate_probe (${quote(column)}) WHERE ${predicate}`);
    const result = await client.query<{ predicate: string }>(
      "SELECT pg_get_expr(indpred, indrelid) AS predicate FROM pg_index WHERE indexrelid = 'pg_temp.drift_predicate_probe_idx'::regclass",
    );
    const normalized = result.rows[0]?.predicate;
    if (normalized === undefined) throw new Error(`PostgreSQL stored no predicate for "${predicate}"`);
    return normalized;
  } finally {
    await client.query("ROLLBACK");
  }
}
