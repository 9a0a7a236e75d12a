import pg from "pg";
import { MIGRATIONS_DIR, readMigrations } from "./migrate";
import { MIGRATION_STATUS_FUNCTION } from "./runtime-grants";

/**
 * Which migrations the database has, as seen by the role the app connects as, next to the ones
 * this build ships. Read-only (a READ ONLY transaction, no advisory lock), so any number of
 * replicas may look at once, and while a migration Job runs.
 *
 * The runtime role may not read `_prisma_migrations` (runtime-grants.ts revokes it); it calls
 * `aviary_applied_migrations()` instead, a SECURITY DEFINER function that migration
 * 20261217090000_migration_status adds (that file says why a function rather than a grant). The
 * owner, or a single-role set-up, reads the table itself when the function is not there yet.
 */

export const MIGRATION_STATUS_MIGRATION = "20261217090000_migration_status";

export type AppliedMigration = { name: string; checksum: string; finished: boolean; rolledBack: boolean };

export type MigrationStatus = {
  role: string;
  /** Whether this role could apply migrations itself: it may create in the schema and write the bookkeeping. */
  canMigrate: boolean;
  shipped: { name: string; checksum: string }[];
  /**
   * The bookkeeping's rows ([] when there is none yet), or why this role cannot see them: the
   * schema predates the status function, or the owner has not granted EXECUTE on it.
   */
  applied: AppliedMigration[] | "no-function" | "no-execute";
};

type Probe = { role: string; may_create: boolean; has_table: boolean; may_read: boolean; may_insert: boolean; has_fn: boolean; may_execute: boolean };

const PROBE = `
  SELECT current_user AS role,
         coalesce(has_schema_privilege(current_schema(), 'CREATE'), false) AS may_create,
         to_regclass('_prisma_migrations') IS NOT NULL AS has_table,
         coalesce(has_table_privilege(to_regclass('_prisma_migrations'), 'SELECT'), false) AS may_read,
         coalesce(has_table_privilege(to_regclass('_prisma_migrations'), 'INSERT'), false) AS may_insert,
         to_regprocedure($1) IS NOT NULL AS has_fn,
         coalesce(has_function_privilege(to_regprocedure($1), 'EXECUTE'), false) AS may_execute`;

const FROM_FUNCTION = `SELECT migration_name AS name, checksum, finished, rolled_back AS "rolledBack" FROM ${MIGRATION_STATUS_FUNCTION}()`;
const FROM_TABLE = `SELECT migration_name AS name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS "rolledBack" FROM "_prisma_migrations"`;

export async function readMigrationStatus({ databaseUrl, dir = MIGRATIONS_DIR }: { databaseUrl: string; dir?: string }): Promise<MigrationStatus> {
  const shipped = (await readMigrations(dir)).map(({ name, checksum }) => ({ name, checksum }));
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN READ ONLY");
    const probe = (await client.query<Probe>(PROBE, [`${MIGRATION_STATUS_FUNCTION}()`])).rows[0]!;
    const canMigrate = probe.may_create && (!probe.has_table || probe.may_insert);
    const applied = await readApplied(client, probe);
    await client.query("COMMIT");
    return { role: probe.role, canMigrate, shipped, applied };
  } finally {
    await client.end();
  }
}

async function readApplied(client: pg.Client, probe: Probe): Promise<MigrationStatus["applied"]> {
  if (probe.has_fn && probe.may_execute) return (await client.query<AppliedMigration>(FROM_FUNCTION)).rows;
  if (probe.has_table && probe.may_read) return (await client.query<AppliedMigration>(FROM_TABLE)).rows;
  if (!probe.has_table) return [];
  return probe.has_fn ? "no-execute" : "no-function";
}
