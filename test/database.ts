import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { createDatabaseIfMissing } from "../lib/db/embedded-postgres";
import { configureDeps } from "../lib/composition/deps";
import { TEMPLATE_DB, withDatabase, withRole } from "./global-setup";

export type TestRole = "runtime" | "owner" | "superuser";

/**
 * Gives the calling test file its own database, cloned from the migrated template, and configures
 * the container with it (deps.config.databaseUrl, so every getDeps() caller uses it). The connection is the runtime role's, with the
 * app's privileges (no UPDATE, DELETE or TRUNCATE on audit_events); tests that alter the schema
 * or run migrations ask for the owner.
 */
export async function useFreshDatabase({ as = "runtime" }: { as?: TestRole } = {}): Promise<string> {
  const adminUrl = inject("pgAdminUrl");
  const name = `aviary_test_${randomBytes(6).toString("hex")}`;
  await createDatabaseIfMissing(adminUrl, name, TEMPLATE_DB, inject("pgRoles").owner.user);
  const url = asRole(withDatabase(adminUrl, name), as);
  configureDeps({ databaseUrl: () => url });
  return url;
}

/**
 * The same database as `url`, connected as another role: the owner (can ALTER the tables, so can
 * switch the append-only trigger off) or the superuser (can do anything, e.g. session_replication_role).
 */
export function asRole(url: string, role: TestRole): string {
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  if (role === "superuser") return withDatabase(inject("pgAdminUrl"), database);
  return withRole(url, database, inject("pgRoles")[role]);
}
