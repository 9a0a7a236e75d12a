import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createDatabaseIfMissing, startEmbeddedPostgres, type RunningPostgres } from "../lib/db/embedded-postgres";
import type { EmbeddedRole } from "../lib/db/embedded/credentials";
import { ensureAppRoles } from "../lib/db/embedded/roles";
import { migrateDatabase } from "../lib/db/migrate";
import { freePort } from "./free-port";
import { assertLocalUrl } from "./local-only";

/**
 * One real PostgreSQL for the whole Vitest run (embedded, or TEST_DATABASE_ADMIN_URL if given),
 * with a template database migrated by the owner role, as in production. Each test file clones
 * the template (test/database.ts) and runs as the runtime role, so files run in parallel without
 * seeing each other's rows, under the privileges the app really has.
 */
export const TEMPLATE_DB = "aviary_test_template";

export type TestRoles = { owner: EmbeddedRole; runtime: EmbeddedRole };

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgRoles: TestRoles;
  }
}

export default async function setup(project: TestProject) {
  let server: RunningPostgres | undefined;
  let adminUrl = process.env.TEST_DATABASE_ADMIN_URL;
  let roles: TestRoles;
  if (adminUrl) {
    assertLocalUrl("TEST_DATABASE_ADMIN_URL", adminUrl);
    const secret = () => randomBytes(24).toString("base64url");
    roles = { owner: { user: "aviary_test_owner", password: secret() }, runtime: { user: "aviary_test_app", password: secret() } };
    await ensureAppRoles({ superuserUrl: adminUrl, ...roles });
  } else {
    const dataDir = path.resolve(".data", "test", `postgres-${process.pid}`);
    await rm(dataDir, { recursive: true, force: true });
    server = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false });
    adminUrl = server.adminUrl;
    roles = { owner: server.credentials.owner, runtime: server.credentials.runtime };
  }
  await dropDatabase(adminUrl, TEMPLATE_DB);
  await createDatabaseIfMissing(adminUrl, TEMPLATE_DB, undefined, roles.owner.user);
  await migrateDatabase({ databaseUrl: withRole(adminUrl, TEMPLATE_DB, roles.owner), runtimeRole: roles.runtime.user });
  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgRoles", roles);
  return async () => {
    await server?.stop();
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The same server as `url`, another database, as `role`. */
export function withRole(url: string, database: string, role: EmbeddedRole): string {
  const parsed = new URL(withDatabase(url, database));
  parsed.username = encodeURIComponent(role.user);
  parsed.password = encodeURIComponent(role.password);
  return parsed.toString();
}

async function dropDatabase(adminUrl: string, database: string) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await client.end();
}
