import { mkdtemp, mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../../test/database";
import { migrateDatabase, readMigrations } from "./migrate";

let url: string;
beforeAll(async () => {
  url = await useFreshDatabase({ as: "owner" });
});

async function query<T extends pg.QueryResultRow>(sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("offline migrator", () => {
  it("records migrations the way prisma migrate deploy does, and re-running applies nothing", async () => {
    const rows = await query<{ migration_name: string; checksum: string; applied_steps_count: number; finished_at: Date | null }>(
      `SELECT migration_name, checksum, applied_steps_count, finished_at FROM _prisma_migrations ORDER BY migration_name`,
    );
    const files = await readMigrations();
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(files.map((f) => [f.name, f.checksum, 1]));
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
    const again = await migrateDatabase({ databaseUrl: url });
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(files.map((f) => f.name));
  });

  it("rolls a failing migration back whole and says which one failed", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "aviary-migrations-"));
    await mkdir(path.join(dir, "20990101000000_broken"));
    await writeFile(path.join(dir, "20990101000000_broken", "migration.sql"), `CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;`);
    await expect(migrateDatabase({ databaseUrl: url, dir })).rejects.toThrow(/20990101000000_broken failed: .*no_such_table/);
    expect(await query(`SELECT to_regclass('half_done') AS t`)).toEqual([{ t: null }]);
    expect(await query(`SELECT 1 FROM _prisma_migrations WHERE migration_name = '20990101000000_broken'`)).toEqual([]);
  });
});

describe("audit_events", () => {
  it("refuses UPDATE, DELETE and TRUNCATE at the database level", async () => {
    await query(`INSERT INTO audit_events (actor_id, action, outcome, hash) VALUES ('t', 'test', 'success', 'x')`);
    await expect(query(`UPDATE audit_events SET reason = 'edited'`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only: DELETE refused/);
    await expect(query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect(await query(`SELECT count(*)::int AS n FROM audit_events`)).toEqual([{ n: 1 }]);
  });
});
