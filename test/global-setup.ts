import { rm } from "node:fs/promises";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createDatabaseIfMissing, startEmbeddedPostgres, type RunningPostgres } from "../lib/db/embedded-postgres";
import { migrateDatabase } from "../lib/db/migrate";
import { freePort } from "./free-port";
import { assertLocalUrl } from "./local-only";

/**
 * One real PostgreSQL for the whole Vitest run (embedded, or TEST_DATABASE_ADMIN_URL if given),
 * with a migrated template database. Each test file clones the template (test/database.ts), so
 * files run in parallel without seeing each other's rows.
 */
export const TEMPLATE_DB = "aviary_test_template";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  let server: RunningPostgres | undefined;
  let adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  if (adminUrl) {
    assertLocalUrl("TEST_DATABASE_ADMIN_URL", adminUrl);
  } else {
    const dataDir = path.resolve(".data", "test", `postgres-${process.pid}`);
    await rm(dataDir, { recursive: true, force: true });
    server = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
    adminUrl = server.adminUrl;
  }
  const templateUrl = withDatabase(adminUrl, TEMPLATE_DB);
  await dropDatabase(adminUrl, TEMPLATE_DB);
  await createDatabaseIfMissing(adminUrl, TEMPLATE_DB);
  await migrateDatabase({ databaseUrl: templateUrl });
  project.provide("pgAdminUrl", adminUrl);
  return async () => {
    await server?.stop();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function dropDatabase(adminUrl: string, database: string) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await client.end();
}
