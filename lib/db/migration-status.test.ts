import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { asRole, useFreshDatabase } from "../../test/database";
import { withRole } from "../../test/global-setup";
import { createDatabaseIfMissing } from "./embedded-postgres";
import { MIGRATIONS_DIR, readMigrations } from "./migrate";
import { MIGRATION_STATUS_MIGRATION, readMigrationStatus } from "./migration-status";
import { grantRuntimeRole, userOf } from "./runtime-grants";
import { decideStartup } from "./startup-check";

/**
 * The start-up check of a replica that has only the app's role (issue 19, defect 5), on real
 * PostgreSQL: the schema the test template was migrated to, seen by the runtime role, against
 * the migrations folder as this build ships it, or as a newer or older build would.
 */

let runtimeUrl: string;
let ownerUrl: string;
let dirs: string;
beforeAll(async () => {
  runtimeUrl = await useFreshDatabase();
  ownerUrl = asRole(runtimeUrl, "owner");
  dirs = await mkdtemp(path.join(os.tmpdir(), "aviary-migration-status-"));
});
afterAll(() => rm(dirs, { recursive: true, force: true }));

/** The shipped folder, plus one migration (a newer build) or minus the newest (an older build). */
async function folder({ add, dropNewest = false }: { add?: string; dropNewest?: boolean }) {
  const dir = path.join(dirs, randomBytes(4).toString("hex"));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  if (add) {
    await mkdir(path.join(dir, add));
    await writeFile(path.join(dir, add, "migration.sql"), "CREATE TABLE newer (id int);\n");
  }
  if (dropNewest) await rm(path.join(dir, (await readMigrations(dir)).at(-1)!.name), { recursive: true });
  return dir;
}

async function as<T extends pg.QueryResultRow>(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const app = () => userOf(runtimeUrl);

describe("the app role's start-up check", () => {
  it("passes on an up-to-date schema, though the role may not migrate", async () => {
    const status = await readMigrationStatus({ databaseUrl: runtimeUrl });
    expect(status.canMigrate).toBe(false);
    expect(decideStartup(status)).toEqual({ action: "start", warnings: [] });
  });

  it("refuses a newer build's pending migration in one sentence naming the variable to set", async () => {
    const decision = decideStartup(await readMigrationStatus({ databaseUrl: runtimeUrl, dir: await folder({ add: "20991231000000_newer" }) }));
    expect(decision).toEqual({
      action: "refuse",
      reason: `1 migration is pending (first: 20991231000000_newer) and ${app()} (DATABASE_URL's role) may not apply them: set AVIARY_MIGRATION_DATABASE_URL to the owner role, or run the migration Job or \`npm run db:migrate\` with it, then start again.`,
    });
  });

  it("lets an older build start on a newer schema, with a warning naming what it does not know", async () => {
    const decision = decideStartup(await readMigrationStatus({ databaseUrl: runtimeUrl, dir: await folder({ dropNewest: true }) }));
    const newest = (await readMigrations()).at(-1)!.name;
    expect(decision).toEqual({ action: "start", warnings: [expect.stringContaining(`1 migration this build does not ship (newest: ${newest})`)] });
  });

  it("counts a fresh database's migrations as pending, and creates nothing there", async () => {
    const name = `aviary_test_empty_${randomBytes(4).toString("hex")}`;
    await createDatabaseIfMissing(inject("pgAdminUrl"), name, undefined, inject("pgRoles").owner.user);
    const emptyUrl = withRole(inject("pgAdminUrl"), name, inject("pgRoles").runtime);
    const decision = decideStartup(await readMigrationStatus({ databaseUrl: emptyUrl }));
    const shipped = await readMigrations();
    expect(decision).toMatchObject({
      action: "refuse",
      reason: expect.stringMatching(`^${shipped.length} migrations are pending \\(first: ${shipped[0]!.name}\\)`),
    });
    expect(await as(emptyUrl, `SELECT to_regclass('_prisma_migrations') AS t`)).toEqual([{ t: null }]);
  });

  it("takes no lock: it answers while a migration holds Prisma's advisory lock", async () => {
    const holder = new pg.Client({ connectionString: ownerUrl });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock(72707369)");
      const status = await readMigrationStatus({ databaseUrl: runtimeUrl });
      expect(decideStartup(status).action).toBe("start");
    } finally {
      await holder.end();
    }
  });

  it("asks a single owner role to migrate rather than refusing", async () => {
    const status = await readMigrationStatus({ databaseUrl: ownerUrl, dir: await folder({ add: "20991231000000_newer" }) });
    expect(status.canMigrate).toBe(true);
    expect(decideStartup(status)).toEqual({ action: "migrate" });
  });
});

describe("what the check lets the app role see", () => {
  it("names and checksums through the function; never the bookkeeping table itself", async () => {
    const rows = await as(runtimeUrl, `SELECT * FROM aviary_applied_migrations() ORDER BY migration_name`);
    expect(Object.keys(rows[0]!)).toEqual(["migration_name", "checksum", "finished", "rolled_back"]);
    expect(rows.map((row) => row.migration_name)).toEqual((await readMigrations()).map((m) => m.name));
    await expect(as(runtimeUrl, `SELECT logs FROM _prisma_migrations`)).rejects.toThrow(/permission denied for table _prisma_migrations/);
    await expect(as(runtimeUrl, `INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('x', 'x', 'x')`)).rejects.toThrow(/permission denied/);
    await expect(as(runtimeUrl, `CREATE OR REPLACE FUNCTION aviary_applied_migrations() RETURNS int LANGUAGE sql AS 'SELECT 1'`)).rejects.toThrow(
      /permission denied|must be owner/,
    );
  });

  it("cannot be fooled by a temporary table of the same name (the function's body is bound to the real one)", async () => {
    const client = new pg.Client({ connectionString: runtimeUrl });
    await client.connect();
    try {
      await client.query(
        `CREATE TEMP TABLE _prisma_migrations (migration_name varchar, checksum varchar, finished_at timestamptz, rolled_back_at timestamptz)`,
      );
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM aviary_applied_migrations()`);
      expect(rows[0].n).toBe((await readMigrations()).length);
    } finally {
      await client.end();
    }
  });

  it("is only the granted role's: not PUBLIC's, and without the grant the app role is told to ask for it", async () => {
    const publicGrants = await as(
      ownerUrl,
      `SELECT count(*)::int AS n FROM pg_proc p, aclexplode(p.proacl) a WHERE p.proname = 'aviary_applied_migrations' AND a.grantee = 0`,
    );
    expect(publicGrants).toEqual([{ n: 0 }]);
    await as(ownerUrl, `REVOKE EXECUTE ON FUNCTION aviary_applied_migrations() FROM ${app()}`);
    expect(decideStartup(await readMigrationStatus({ databaseUrl: runtimeUrl }))).toMatchObject({
      action: "refuse",
      reason: expect.stringMatching(/may not run aviary_applied_migrations\(\).*grant it EXECUTE.*AVIARY_MIGRATION_DATABASE_URL/),
    });
    await grantRuntimeRole({ ownerUrl, runtimeRole: app() });
    expect(decideStartup(await readMigrationStatus({ databaseUrl: runtimeUrl }))).toEqual({ action: "start", warnings: [] });
  });

  it("says which migration to run when the schema predates the function", async () => {
    await as(ownerUrl, `DROP FUNCTION aviary_applied_migrations()`);
    expect(decideStartup(await readMigrationStatus({ databaseUrl: runtimeUrl }))).toMatchObject({
      action: "refuse",
      reason: expect.stringContaining(`Migrations are pending (at least ${MIGRATION_STATUS_MIGRATION})`),
    });
  });
});

describe("bookkeeping the migrator would also stop or warn on", () => {
  const shipped = [
    { name: "20260101000000_a", checksum: "a" },
    { name: "20260102000000_b", checksum: "b" },
  ];
  const row = (name: string, checksum: string, finished = true) => ({ name, checksum, finished, rolledBack: false });

  it("refuses a migration that failed and was not resolved, naming it", () => {
    const decision = decideStartup({
      role: "aviary_app",
      canMigrate: false,
      shipped,
      applied: [row("20260101000000_a", "a"), row("20260102000000_b", "b", false)],
    });
    expect(decision).toMatchObject({ action: "refuse", reason: expect.stringContaining("Migration 20260102000000_b failed earlier and was not resolved") });
  });

  it("starts on an edited migration, with the migrator's warning", () => {
    const decision = decideStartup({
      role: "aviary_app",
      canMigrate: false,
      shipped,
      applied: [row("20260101000000_a", "a"), row("20260102000000_b", "edited")],
    });
    expect(decision).toEqual({ action: "start", warnings: ["migration 20260102000000_b was edited after it was applied (checksum differs)"] });
  });
});
