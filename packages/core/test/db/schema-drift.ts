/**
 * Compares prisma/schema.prisma with a migrated database: tables, columns (type, nullability,
 * default), enums, indexes, primary keys, foreign keys and extensions. The schema is parsed with
 * Prisma's own DMMF (the prisma-schema WebAssembly module), so no engine binary is needed.
 */
import { getDMMF } from "@prisma/get-dmmf";
import type pg from "pg";
import { indexKey, normalizePredicate, readIndexPredicates } from "./index-predicates";

/**
 * Database objects that schema.prisma cannot declare but the migrations create on purpose.
 * pg_trgm backs the trigram index on job_items.text (the index itself is declared in the schema).
 */
export const RAW_SQL_OBJECTS = {
  extensions: ["pg_trgm"],
  checkConstraints: [] as string[],
};

/** PostgreSQL truncates identifiers longer than this, so a default name above it cannot be predicted here. */
const MAX_IDENTIFIER_LENGTH = 63;

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "enum" | "object" | "unsupported";
  type: string;
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: { name: string; dbName: string | null }[];
}

interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  dbName?: string | null;
  algorithm?: string;
  fields: { name: string; sortOrder?: "asc" | "desc"; operatorClass?: string }[];
}

interface Datamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
  indexes: DmmfIndex[];
}

/** Parses a schema with Prisma's DMMF. Throws with Prisma's validation message when the schema is invalid. */
export function parseDatamodel(schema: string): Datamodel {
  const result = getDMMF({ datamodel: schema });
  if ("type" in result) {
    throw new Error(`schema.prisma is invalid (${result.type}): ${result.error.message}`);
  }
  return result.datamodel as unknown as Datamodel;
}

const tableName = (model: DmmfModel): string => model.dbName ?? model.name;
const columnName = (field: DmmfField): string => field.dbName ?? field.name;
const enumName = (value: DmmfEnum): string => value.dbName ?? value.name;

/** Returns the type that format_type() prints for a field's column, e.g. "timestamp(3) with time zone". */
function expectedColumnType(field: DmmfField, enums: DmmfEnum[]): string {
  const base = field.kind === "enum" ? expectedEnumType(field, enums) : expectedScalarType(field);
  return field.isList ? `${base}[]` : base;
}

function expectedEnumType(field: DmmfField, enums: DmmfEnum[]): string {
  const found = enums.find((candidate) => candidate.name === field.type);
  if (found === undefined) {
    throw new Error(`enum ${field.type} of field ${field.name} is not in the datamodel`);
  }
  return enumName(found);
}

function expectedScalarType(field: DmmfField): string {
  const [native, args] = field.nativeType ?? [undefined, []];
  const withArgs = (name: string): string => (args.length > 0 ? `${name}(${args.join(",")})` : name);
  switch (native) {
    case undefined:
      break;
    case "Uuid":
      return "uuid";
    case "Text":
      return "text";
    case "VarChar":
      return withArgs("character varying");
    case "Char":
      return withArgs("character");
    case "SmallInt":
      return "smallint";
    case "Integer":
      return "integer";
    case "Real":
      return "real";
    case "DoublePrecision":
      return "double precision";
    case "Timestamptz":
      return `timestamp(${args[0] ?? "6"}) with time zone`;
    case "Timestamp":
      return `timestamp(${args[0] ?? "6"}) without time zone`;
    case "Date":
      return "date";
    case "JsonB":
      return "jsonb";
    case "Json":
      return "json";
    default:
      throw new Error(`native type @db.${native} of field ${field.name} is not handled by the drift check; add it to expectedScalarType`);
  }
  const defaults: Record<string, string> = {
    String: "text",
    Int: "integer",
    BigInt: "bigint",
    Float: "double precision",
    Decimal: "numeric(65,30)",
    Boolean: "boolean",
    DateTime: "timestamp(3) without time zone",
    Json: "jsonb",
    Bytes: "bytea",
  };
  const type = defaults[field.type];
  if (type === undefined) {
    throw new Error(`Prisma type ${field.type} of field ${field.name} is not handled by the drift check; add it to expectedScalarType`);
  }
  return type;
}

/** Returns what pg_get_expr() prints for the column default, or null when the database has none. */
function expectedColumnDefault(field: DmmfField, table: string, enums: DmmfEnum[]): string | null {
  if (!field.hasDefaultValue) {
    return null;
  }
  const value = field.default;
  if (typeof value === "number" || typeof value === "boolean") {
    return String(value);
  }
  if (typeof value === "string") {
    const cast = field.kind === "enum" ? expectedEnumType(field, enums) : expectedScalarType(field);
    return `'${value.replaceAll("'", "''")}'::${cast}`;
  }
  const call = value as { name: string; args: unknown[] };
  switch (call.name) {
    case "dbgenerated":
      return String(call.args[0]);
    case "now":
      return "CURRENT_TIMESTAMP";
    case "autoincrement":
      return `nextval('${table}_${columnName(field)}_seq'::regclass)`;
    case "uuid":
    case "cuid":
    case "nanoid":
    case "ulid":
      // Generated by the Prisma client, so the column has no database default.
      return null;
    default:
      throw new Error(`default ${call.name}() of field ${field.name} is not handled by the drift check`);
  }
}

function defaultIndexName(table: string, columns: string[], type: DmmfIndex["type"]): string {
  if (type === "id") {
    return `${table}_pkey`;
  }
  return `${table}_${columns.join("_")}_${type === "unique" ? "key" : "idx"}`;
}

/** Drift between a schema and a database: one readable line per difference, empty when they agree. */
export async function findSchemaDrift(schema: string, client: pg.Client): Promise<string[]> {
  const datamodel = parseDatamodel(schema);
  const quote = await identifierQuoter(client, datamodel);
  return [
    ...(await compareEnums(datamodel, client)),
    ...(await compareTables(datamodel, client)),
    ...(await compareColumns(datamodel, client)),
    ...(await compareIndexes(datamodel, readIndexPredicates(schema), client, quote)),
    ...(await compareForeignKeys(datamodel, client, quote)),
    ...(await compareRawSqlObjects(client)),
  ];
}

/** Returns a function that quotes identifiers exactly as pg_get_indexdef() does (quote_ident). */
async function identifierQuoter(client: pg.Client, datamodel: Datamodel): Promise<(name: string) => string> {
  const names = new Set<string>();
  for (const model of datamodel.models) {
    names.add(tableName(model));
    for (const field of model.fields) {
      names.add(columnName(field));
    }
  }
  const list = [...names];
  const result = await client.query<{ name: string; quoted: string }>(
    "SELECT name, quote_ident(name) AS quoted FROM unnest($1::text[]) AS name",
    [list],
  );
  const quoted = new Map(result.rows.map((row) => [row.name, row.quoted]));
  return (name: string) => quoted.get(name) ?? name;
}

function compareSets(kind: string, expected: Iterable<string>, actual: Iterable<string>, source = "schema.prisma"): string[] {
  // Sorted, so the report does not depend on catalog order.
  const expectedSet = new Set([...expected].sort());
  const actualSet = new Set([...actual].sort());
  const differences: string[] = [];
  for (const name of expectedSet) {
    if (!actualSet.has(name)) {
      differences.push(`${kind} ${name} is in ${source} but not in the database`);
    }
  }
  for (const name of actualSet) {
    if (!expectedSet.has(name)) {
      differences.push(`${kind} ${name} is in the database but not in ${source}`);
    }
  }
  return differences;
}

async function compareEnums(datamodel: Datamodel, client: pg.Client): Promise<string[]> {
  const result = await client.query<{ name: string; labels: string[] }>(`
    SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
    FROM pg_type t
    JOIN pg_enum e ON e.enumtypid = t.oid
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = 'public'
    GROUP BY t.typname`);
  const actual = new Map(result.rows.map((row) => [row.name, row.labels]));
  const differences = compareSets("enum", datamodel.enums.map(enumName), actual.keys());
  for (const value of datamodel.enums) {
    const labels = actual.get(enumName(value));
    const expected = value.values.map((entry) => entry.dbName ?? entry.name);
    if (labels !== undefined && labels.join(",") !== expected.join(",")) {
      differences.push(`enum ${enumName(value)} has values [${labels.join(", ")}] in the database, schema.prisma expects [${expected.join(", ")}]`);
    }
  }
  return differences;
}

async function compareTables(datamodel: Datamodel, client: pg.Client): Promise<string[]> {
  const result = await client.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
  );
  return compareSets(
    "table",
    datamodel.models.map(tableName),
    result.rows.map((row) => row.name),
  );
}

interface ColumnRow {
  table: string;
  column: string;
  type: string;
  not_null: boolean;
  default: string | null;
}

async function compareColumns(datamodel: Datamodel, client: pg.Client): Promise<string[]> {
  const result = await client.query<ColumnRow>(`
    SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
           a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS default
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid AND c.relkind = 'r'
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relname <> '_prisma_migrations'`);
  const actual = new Map(result.rows.map((row) => [`${row.table}.${row.column}`, row]));

  const differences: string[] = [];
  const expectedKeys: string[] = [];
  for (const model of datamodel.models) {
    const table = tableName(model);
    for (const field of model.fields) {
      if (field.kind === "object") {
        continue;
      }
      const key = `${table}.${columnName(field)}`;
      expectedKeys.push(key);
      const row = actual.get(key);
      if (row === undefined) {
        continue;
      }
      const type = expectedColumnType(field, datamodel.enums);
      if (row.type !== type) {
        differences.push(`column ${key} has type ${row.type} in the database, schema.prisma expects ${type}`);
      }
      if (row.not_null !== field.isRequired) {
        const expected = field.isRequired ? "NOT NULL" : "nullable";
        differences.push(`column ${key} is ${row.not_null ? "NOT NULL" : "nullable"} in the database, schema.prisma expects ${expected}`);
      }
      const defaultValue = expectedColumnDefault(field, table, datamodel.enums);
      if (row.default !== defaultValue) {
        differences.push(`column ${key} has default ${String(row.default)} in the database, schema.prisma expects ${String(defaultValue)}`);
      }
    }
  }
  return [...compareSets("column", expectedKeys, actual.keys()), ...differences];
}

async function compareIndexes(datamodel: Datamodel, predicates: Map<string, string>, client: pg.Client, quote: (name: string) => string): Promise<string[]> {
  // null: the index is expected, but its definition cannot be compared because its predicate is invalid.
  const expected = new Map<string, string | null>();
  const primaryKeys = new Set<string>();
  const differences: string[] = [];

  for (const index of datamodel.indexes) {
    const model = datamodel.models.find((candidate) => candidate.name === index.model);
    if (model === undefined) {
      continue;
    }
    const table = tableName(model);
    const columns = index.fields.map((entry) => {
      const field = model.fields.find((candidate) => candidate.name === entry.name);
      return field === undefined ? entry.name : columnName(field);
    });
    const name = index.dbName ?? defaultIndexName(table, columns, index.type);
    if (name.length > MAX_IDENTIFIER_LENGTH) {
      differences.push(`index name ${name} is longer than ${MAX_IDENTIFIER_LENGTH} characters: give the index an explicit map: "..." name`);
      continue;
    }
    const parts = index.fields.map((entry, position) => {
      const column = quote(columns[position] ?? entry.name);
      const opclass = entry.operatorClass === undefined ? "" : ` ${entry.operatorClass}`;
      const order = entry.sortOrder === "desc" ? " DESC" : "";
      return `${column}${opclass}${order}`;
    });
    const unique = index.type === "id" || index.type === "unique" ? "UNIQUE " : "";
    const method = (index.algorithm ?? "BTree").toLowerCase();
    let definition: string | null = `CREATE ${unique}INDEX ${quote(name)} ON public.${quote(table)} USING ${method} (${parts.join(", ")})`;
    const predicate = predicates.get(indexKey(index.model, index.fields.map((entry) => entry.name)));
    if (predicate !== undefined) {
      try {
        definition += ` WHERE ${await normalizePredicate(client, table, columns[0] ?? "", predicate, quote)}`;
      } catch (error) {
        differences.push(`index ${name} has the predicate "${predicate}", which PostgreSQL rejects: ${error instanceof Error ? error.message : String(error)}`);
        definition = null;
      }
    }
    expected.set(name, definition);
    if (index.type === "id") {
      primaryKeys.add(name);
    }
  }

  const indexes = await client.query<{ name: string; definition: string }>(
    "SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
  );
  const actual = new Map(indexes.rows.map((row) => [row.name, row.definition]));
  differences.push(...compareSets("index", expected.keys(), actual.keys()));
  for (const [name, definition] of expected) {
    const found = actual.get(name);
    if (definition !== null && found !== undefined && found !== definition) {
      differences.push(`index ${name} is "${found}" in the database, schema.prisma expects "${definition}"`);
    }
  }

  const constraints = await client.query<{ name: string }>(
    "SELECT conname AS name FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND contype = 'p' AND conrelid::regclass::text <> '_prisma_migrations'",
  );
  differences.push(...compareSets("primary key", primaryKeys, constraints.rows.map((row) => row.name)));
  return differences;
}

const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: " CASCADE",
  Restrict: " RESTRICT",
  NoAction: "",
  SetNull: " SET NULL",
  SetDefault: " SET DEFAULT",
};

async function compareForeignKeys(datamodel: Datamodel, client: pg.Client, quote: (name: string) => string): Promise<string[]> {
  const expected = new Map<string, string>();
  for (const model of datamodel.models) {
    for (const field of model.fields) {
      const from = field.relationFromFields ?? [];
      if (field.kind !== "object" || from.length === 0) {
        continue;
      }
      const target = datamodel.models.find((candidate) => candidate.name === field.type);
      if (target === undefined) {
        continue;
      }
      const dbColumns = (owner: DmmfModel, names: string[]) =>
        names.map((name) => columnName(owner.fields.find((candidate) => candidate.name === name) ?? { name, kind: "scalar" } as DmmfField));
      const fromColumns = dbColumns(model, from);
      const toColumns = dbColumns(target, field.relationToFields ?? []);
      // Prisma's defaults: Restrict on delete for required relations, SetNull for optional ones, Cascade on update.
      const onDelete = field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull");
      const onUpdate = field.relationOnUpdate ?? "Cascade";
      const updateClause = REFERENTIAL_ACTIONS[onUpdate] ? ` ON UPDATE${REFERENTIAL_ACTIONS[onUpdate]}` : "";
      const deleteClause = REFERENTIAL_ACTIONS[onDelete] ? ` ON DELETE${REFERENTIAL_ACTIONS[onDelete]}` : "";
      const name = `${tableName(model)}_${fromColumns.join("_")}_fkey`;
      expected.set(
        name,
        `FOREIGN KEY (${fromColumns.map(quote).join(", ")}) REFERENCES ${quote(tableName(target))}(${toColumns.map(quote).join(", ")})${updateClause}${deleteClause}`,
      );
    }
  }

  const result = await client.query<{ name: string; definition: string }>(`
    SELECT conname AS name, pg_get_constraintdef(c.oid) AS definition
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = 'public' AND contype = 'f'`);
  const actual = new Map(result.rows.map((row) => [row.name, row.definition]));
  const differences = compareSets("foreign key", expected.keys(), actual.keys());
  for (const [name, definition] of expected) {
    const found = actual.get(name);
    if (found !== undefined && found !== definition) {
      differences.push(`foreign key ${name} is "${found}" in the database, schema.prisma expects "${definition}"`);
    }
  }
  return differences;
}

async function compareRawSqlObjects(client: pg.Client): Promise<string[]> {
  const extensions = await client.query<{ name: string }>("SELECT extname AS name FROM pg_extension WHERE extname <> 'plpgsql'");
  const checks = await client.query<{ name: string }>(
    "SELECT conname AS name FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND contype = 'c'",
  );
  return [
    ...compareSets("extension", RAW_SQL_OBJECTS.extensions, extensions.rows.map((row) => row.name), "RAW_SQL_OBJECTS"),
    ...compareSets("check constraint", RAW_SQL_OBJECTS.checkConstraints, checks.rows.map((row) => row.name), "RAW_SQL_OBJECTS"),
  ];
}
