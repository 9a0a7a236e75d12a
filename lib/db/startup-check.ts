import { MIGRATION_STATUS_MIGRATION, type AppliedMigration, type MigrationStatus } from "./migration-status";
import { MIGRATION_STATUS_FUNCTION } from "./runtime-grants";

/**
 * What a process that connects with DATABASE_URL alone (no AVIARY_MIGRATION_DATABASE_URL) does
 * about the schema: start on it as it is, migrate it (only when that role can, as in a single-role
 * set-up), or refuse in one sentence that says what to set.
 *
 * A database with migrations this build does not ship is an older replica meeting a newer schema:
 * the migration Job runs before a new version rolls out, so during every rollout the old replicas
 * see that. They start, with a warning, rather than crash-looping until the rollout ends; a schema
 * change that breaks the previous version would have to be split across two releases anyway.
 */
export type StartupDecision = { action: "start"; warnings: string[] } | { action: "migrate" } | { action: "refuse"; reason: string };

export type MigrationComparison = { pending: string[]; unknown: string[]; edited: string[]; failed: string[] };

export function compareMigrations(shipped: MigrationStatus["shipped"], applied: AppliedMigration[]): MigrationComparison {
  const done = new Map(applied.filter((row) => row.finished).map((row) => [row.name, row]));
  const known = new Set(shipped.map((migration) => migration.name));
  return {
    pending: shipped.filter((migration) => !done.has(migration.name)).map((migration) => migration.name),
    unknown: [...done.keys()].filter((name) => !known.has(name)).sort(),
    edited: shipped.filter((migration) => done.has(migration.name) && done.get(migration.name)!.checksum !== migration.checksum).map((m) => m.name),
    failed: applied.filter((row) => !row.finished && !row.rolledBack && !done.has(row.name)).map((row) => row.name),
  };
}

export function decideStartup(status: MigrationStatus): StartupDecision {
  const who = `${status.role} (DATABASE_URL's role)`;
  const whatToDo = "set AVIARY_MIGRATION_DATABASE_URL to the owner role, or run the migration Job or `npm run db:migrate` with it, then start again";
  if (status.applied === "no-execute") {
    if (status.canMigrate) return { action: "migrate" };
    return {
      action: "refuse",
      reason: `${who} may not run ${MIGRATION_STATUS_FUNCTION}(), so it cannot tell whether migrations are pending: have the owner grant it EXECUTE (README, "A separate role for migrations"), or ${whatToDo}.`,
    };
  }
  if (status.applied === "no-function") {
    if (status.canMigrate) return { action: "migrate" };
    return { action: "refuse", reason: `Migrations are pending (at least ${MIGRATION_STATUS_MIGRATION}) and ${who} may not apply them: ${whatToDo}.` };
  }
  const { pending, unknown, edited, failed } = compareMigrations(status.shipped, status.applied);
  if (failed[0]) {
    return {
      action: "refuse",
      reason: `Migration ${failed[0]} failed earlier and was not resolved: fix the database, then mark it rolled back (prisma migrate resolve --rolled-back ${failed[0]}) and migrate as the owner.`,
    };
  }
  if (pending[0]) {
    if (status.canMigrate) return { action: "migrate" };
    const count = pending.length === 1 ? "1 migration is" : `${pending.length} migrations are`;
    return { action: "refuse", reason: `${count} pending (first: ${pending[0]}) and ${who} may not apply them: ${whatToDo}.` };
  }
  const warnings = edited.map((name) => `migration ${name} was edited after it was applied (checksum differs)`);
  if (unknown.length) {
    const count = unknown.length === 1 ? "1 migration" : `${unknown.length} migrations`;
    warnings.push(
      `the database has ${count} this build does not ship (newest: ${unknown.at(-1)}), so a newer Aviary migrated it; starting anyway, as an older replica does while a new version rolls out`,
    );
  }
  return { action: "start", warnings };
}
