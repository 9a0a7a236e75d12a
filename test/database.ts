import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { createDatabaseIfMissing } from "../lib/db/embedded-postgres";
import { TEMPLATE_DB, withDatabase } from "./global-setup";

/**
 * Gives the calling test file its own database, cloned from the migrated template, and points
 * DATABASE_URL (and so lib/db/client.ts) at it.
 */
export async function useFreshDatabase(): Promise<string> {
  const adminUrl = inject("pgAdminUrl");
  const name = `aviary_test_${randomBytes(6).toString("hex")}`;
  await createDatabaseIfMissing(adminUrl, name, TEMPLATE_DB);
  const url = withDatabase(adminUrl, name);
  process.env.DATABASE_URL = url;
  return url;
}
