import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { seedEvent, seedRollout } from "../../test/api/audit-seed";
import { asRole, useFreshDatabase } from "../../test/database";
import { grantRuntimeRole, userOf } from "./runtime-grants";

/**
 * The app's runtime role (what DATABASE_URL connects as in the tests and the embedded default),
 * against the real PostgreSQL: full use of the app's tables, but the audit log is read and
 * append only, whatever the triggers say.
 */

let runtimeUrl: string;
beforeAll(async () => {
  runtimeUrl = await useFreshDatabase();
  const { id } = await seedRollout({ name: "grants" });
  await seedEvent({ rolloutId: id, action: "create", actor: "alice", outcome: "success", at: "2026-06-01T08:00:00Z" });
});

async function as(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

const denied = /permission denied for table audit_events/;

describe("the runtime role", () => {
  it("is not the owner of the tables", async () => {
    const { rows } = await as(runtimeUrl, `SELECT current_user AS me, tableowner FROM pg_tables WHERE tablename = 'audit_events'`);
    expect(rows[0].me).toBe(userOf(runtimeUrl));
    expect(rows[0].tableowner).not.toBe(rows[0].me);
  });

  it("can SELECT and INSERT audit events (the app's append path runs as it)", async () => {
    const { rows } = await as(runtimeUrl, `SELECT count(*)::int AS n FROM audit_events`);
    expect(rows[0].n).toBe(1);
    await seedEvent({ rolloutId: null, action: "probe", actor: "bob", outcome: "success", at: "2026-06-02T08:00:00Z" });
    expect((await as(runtimeUrl, `SELECT count(*)::int AS n FROM audit_events`)).rows[0].n).toBe(2);
  });

  it("cannot UPDATE, DELETE or TRUNCATE audit events, nor switch their triggers off", async () => {
    await expect(as(runtimeUrl, `UPDATE audit_events SET reason = 'edited'`)).rejects.toThrow(denied);
    await expect(as(runtimeUrl, `DELETE FROM audit_events`)).rejects.toThrow(denied);
    await expect(as(runtimeUrl, `TRUNCATE audit_events`)).rejects.toThrow(denied);
    await expect(as(runtimeUrl, `ALTER TABLE audit_events DISABLE TRIGGER USER`)).rejects.toThrow(/must be owner/);
    await expect(as(runtimeUrl, `SET session_replication_role = replica`)).rejects.toThrow(/permission denied/);
  });

  it("can read and write the other tables", async () => {
    const { rowCount } = await as(runtimeUrl, `UPDATE rollouts SET updated_at = now()`);
    expect(rowCount).toBe(1);
  });

  it("is granted tables that later migrations add, idempotently", async () => {
    const ownerUrl = asRole(runtimeUrl, "owner");
    await as(ownerUrl, `CREATE TABLE later_table (id SERIAL PRIMARY KEY, note TEXT)`);
    await expect(as(runtimeUrl, `INSERT INTO later_table (note) VALUES ('x')`)).rejects.toThrow(/permission denied/);
    await grantRuntimeRole({ ownerUrl, runtimeRole: userOf(runtimeUrl) });
    await grantRuntimeRole({ ownerUrl, runtimeRole: userOf(runtimeUrl) });
    await as(runtimeUrl, `INSERT INTO later_table (note) VALUES ('x')`);
    await as(runtimeUrl, `DELETE FROM later_table`);
    await expect(as(runtimeUrl, `DELETE FROM audit_events`)).rejects.toThrow(denied);
  });
});
