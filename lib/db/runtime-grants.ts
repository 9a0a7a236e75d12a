import pg from "pg";

/**
 * What the app's runtime role may do, granted by the owner role after every migration so tables
 * added by later migrations are covered too: read and write the app's tables, use their
 * sequences, but only read and append to the audit log. Without UPDATE, DELETE or TRUNCATE on
 * audit_events, and without owning it (so no ALTER TABLE ... DISABLE TRIGGER), a compromised app
 * cannot rewrite history. Idempotent.
 */
export const APPEND_ONLY_TABLES = ["audit_events"];
const BOOKKEEPING_TABLES = ["_prisma_migrations"];
/** Its stand-in for the bookkeeping: which migrations are applied (migration 20261217090000_migration_status). */
export const MIGRATION_STATUS_FUNCTION = "aviary_applied_migrations";

export async function grantRuntimeRole({ ownerUrl, runtimeRole }: { ownerUrl: string; runtimeRole: string }): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ me: string; schema: string }>("SELECT current_user AS me, current_schema() AS schema");
    const { me, schema } = rows[0]!;
    if (me === runtimeRole) return;
    const role = client.escapeIdentifier(runtimeRole);
    const ns = client.escapeIdentifier(schema);
    const existing = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname = ANY($2)`,
      [schema, [...APPEND_ONLY_TABLES, ...BOOKKEEPING_TABLES]],
    );
    const present = new Set(existing.rows.map((row) => row.name));
    const statusFunction = `${ns}.${client.escapeIdentifier(MIGRATION_STATUS_FUNCTION)}()`;
    const { rows: fn } = await client.query<{ oid: string | null }>("SELECT to_regprocedure($1)::text AS oid", [statusFunction]);
    const table = (name: string) => `${ns}.${client.escapeIdentifier(name)}`;
    await client.query("BEGIN");
    await client.query(`GRANT USAGE ON SCHEMA ${ns} TO ${role}`);
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${ns} TO ${role}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${ns} TO ${role}`);
    for (const name of APPEND_ONLY_TABLES.filter((name) => present.has(name))) {
      await client.query(`REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ${table(name)} FROM ${role}`);
    }
    for (const name of BOOKKEEPING_TABLES.filter((name) => present.has(name))) {
      await client.query(`REVOKE ALL ON ${table(name)} FROM ${role}`);
    }
    if (fn[0]?.oid) await client.query(`GRANT EXECUTE ON FUNCTION ${statusFunction} TO ${role}`);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw new Error(`granting the runtime role ${runtimeRole} its privileges failed: ${(error as Error).message}`, { cause: error });
  } finally {
    await client.end();
  }
}

export function userOf(url: string): string {
  return decodeURIComponent(new URL(url).username);
}
