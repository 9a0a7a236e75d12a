import type pg from "pg";

/**
 * A neutral description of a database structure, built either from Prisma's DMMF or from the
 * Postgres catalog, so the two can be compared (lib/db/schema-drift.test.ts). Test support only.
 */
export type Column = { type: string; nullable: boolean; hasDefault: boolean };
export type Index = { name: string; columns: string[]; unique: boolean; primary: boolean };
export type ForeignKey = { columns: string[]; references: string; onDelete: string };
export type Table = { columns: Record<string, Column>; indexes: Index[]; foreignKeys: ForeignKey[] };
export type Structure = { enums: Record<string, string[]>; tables: Record<string, Table> };

type DmmfField = {
  name: string;
  dbName?: string | null;
  kind: string;
  type: string;
  isRequired: boolean;
  isList: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType?: readonly [string, readonly string[]] | null;
  relationFromFields?: readonly string[];
  relationOnDelete?: string;
};
type DmmfModel = { name: string; dbName: string | null; fields: readonly DmmfField[] };
type Datamodel = {
  models: readonly DmmfModel[];
  enums: readonly { name: string; dbName?: string | null; values: readonly { name: string; dbName: string | null }[] }[];
  indexes: readonly { model: string; type: string; dbName?: string | null; fields: readonly { name: string }[] }[];
};

const SCALAR_TYPES: Record<string, string> = {
  String: "text",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Boolean: "boolean",
  Json: "jsonb",
  DateTime: "timestamp(3) without time zone",
  Decimal: "numeric(65,30)",
  Bytes: "bytea",
};
const NATIVE_TYPES: Record<string, (args: readonly string[]) => string> = {
  Uuid: () => "uuid",
  Text: () => "text",
  Timestamptz: (a) => `timestamp(${a[0] ?? 6}) with time zone`,
  Timestamp: (a) => `timestamp(${a[0] ?? 6}) without time zone`,
  VarChar: (a) => `character varying(${a[0]})`,
  Integer: () => "integer",
  BigInt: () => "bigint",
  JsonB: () => "jsonb",
};
// Prisma evaluates these defaults in the client; they leave no default in the database.
const CLIENT_SIDE_DEFAULTS = new Set(["uuid", "cuid", "nanoid", "ulid"]);

export function describeSchema(datamodel: Datamodel): Structure {
  const enums = Object.fromEntries(datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]));
  const tables: Record<string, Table> = {};
  const enumDbName = (name: string) => datamodel.enums.find((e) => e.name === name)?.dbName ?? name;
  for (const model of datamodel.models) {
    const table = model.dbName ?? model.name;
    const column = (name: string) => model.fields.find((f) => f.name === name)?.dbName ?? name;
    const columns: Record<string, Column> = {};
    for (const field of model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum")) {
      const native = field.nativeType ? NATIVE_TYPES[field.nativeType[0]]?.(field.nativeType[1]) : undefined;
      const type = field.kind === "enum" ? enumDbName(field.type) : (native ?? SCALAR_TYPES[field.type] ?? `?${field.type}`);
      const defaultName = (field.default as { name?: string } | undefined)?.name;
      columns[field.dbName ?? field.name] = {
        type: field.isList ? `${type}[]` : type,
        nullable: !field.isRequired,
        hasDefault: field.hasDefaultValue && !CLIENT_SIDE_DEFAULTS.has(defaultName ?? ""),
      };
    }
    const indexes = datamodel.indexes
      .filter((i) => i.model === model.name)
      .map((i) => {
        const cols = i.fields.map((f) => column(f.name));
        const suffix = i.type === "id" ? "pkey" : i.type === "unique" ? "key" : "idx";
        const name = i.dbName ?? (i.type === "id" ? `${table}_pkey` : `${table}_${cols.join("_")}_${suffix}`.slice(0, 63));
        return { name, columns: cols, unique: i.type !== "normal", primary: i.type === "id" };
      });
    const foreignKeys = model.fields
      .filter((f) => f.kind === "object" && f.relationFromFields && f.relationFromFields.length > 0)
      .map((f) => {
        const target = datamodel.models.find((m) => m.name === f.type);
        return {
          columns: (f.relationFromFields ?? []).map(column),
          references: target?.dbName ?? f.type,
          onDelete: (f.relationOnDelete ?? (f.isRequired ? "Restrict" : "SetNull"))
            .toUpperCase()
            .replace("SETNULL", "SET NULL")
            .replace("NOACTION", "NO ACTION"),
        };
      });
    tables[table] = { columns, indexes: sortIndexes(indexes), foreignKeys };
  }
  return { enums, tables };
}

export async function describeDatabase(client: pg.Client): Promise<Structure> {
  const enumRows = await client.query<{ name: string; value: string }>(
    `SELECT t.typname AS name, e.enumlabel AS value FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
     JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' ORDER BY t.typname, e.enumsortorder`,
  );
  const enums: Record<string, string[]> = {};
  for (const row of enumRows.rows) (enums[row.name] ??= []).push(row.value);

  const columnRows = await client.query<{ table: string; column: string; type: string; nullable: boolean; has_default: boolean }>(
    `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            NOT a.attnotnull AS nullable, a.atthasdef AS has_default
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
       AND c.relname <> '_prisma_migrations' ORDER BY c.relname, a.attnum`,
  );
  const tables: Record<string, Table> = {};
  for (const row of columnRows.rows) {
    const table = (tables[row.table] ??= { columns: {}, indexes: [], foreignKeys: [] });
    table.columns[row.column] = { type: row.type.replace(/^"(.*)"$/, "$1"), nullable: row.nullable, hasDefault: row.has_default };
  }
  const indexRows = await client.query<{ table: string; name: string; columns: string[]; unique: boolean; primary: boolean }>(
    `SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
            array_agg(a.attname::text ORDER BY k.ord) AS columns
     FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
     WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
     GROUP BY t.relname, i.relname, ix.indisunique, ix.indisprimary`,
  );
  for (const row of indexRows.rows) tables[row.table]?.indexes.push({ name: row.name, columns: row.columns, unique: row.unique, primary: row.primary });
  for (const table of Object.values(tables)) table.indexes = sortIndexes(table.indexes);

  const fkRows = await client.query<{ table: string; columns: string[]; references: string; on_delete: string }>(
    `SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS references,
            CASE c.confdeltype WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
                               WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS on_delete,
            array(SELECT attname::text FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = ANY (c.conkey)) AS columns
     FROM pg_constraint c WHERE c.contype = 'f'`,
  );
  for (const row of fkRows.rows) {
    tables[row.table]?.foreignKeys.push({ columns: row.columns, references: row.references, onDelete: row.on_delete });
  }
  return { enums, tables };
}

function sortIndexes(indexes: Index[]): Index[] {
  return [...indexes].sort((a, b) => a.name.localeCompare(b.name));
}
