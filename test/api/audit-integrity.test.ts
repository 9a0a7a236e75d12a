import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { beforeEach, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/lib/server/verify-audit-chain";
import { asRole, useFreshDatabase } from "../database";
import { auditApi } from "./audit-client";
import { seedEvent, seedRollout } from "./audit-seed";
import { getDeps } from "@/lib/composition/deps";

/**
 * The audit log cannot be rewritten through SQL (the trigger), and when someone with superuser
 * rights bypasses the trigger, the hash chain names the event that was touched.
 */

let url: string;
let ids: bigint[];

beforeEach(async () => {
  // The owner, so the statements below reach the trigger (the runtime role lacks the privileges).
  url = await useFreshDatabase({ as: "owner" });
  const { id: rolloutId } = await seedRollout({ name: "ledger" });
  ids = [];
  for (const [i, action] of ["create", "start", "promote", "promote_full", "archive"].entries()) {
    const event = await seedEvent({
      rolloutId,
      action,
      actor: "alice",
      outcome: "success",
      at: `2026-06-0${i + 1}T08:00:00Z`,
      reason: `step ${i}`,
      after: { canaryWeight: i * 20 },
    });
    ids.push(event.id);
  }
});

/** Runs SQL with the append-only trigger switched off, as only a superuser could. */
async function tamper(sql: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: asRole(url, "superuser") });
  await client.connect();
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL session_replication_role = replica");
    await client.query(sql, values);
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
}

describe("append-only at the database level", () => {
  it("refuses UPDATE, DELETE and TRUNCATE", async () => {
    const db = getDeps().db;
    const id = ids[1]!.toString();
    await expect(db.$executeRawUnsafe(`UPDATE audit_events SET reason = 'edited' WHERE id = ${id}`)).rejects.toThrow(/append-only: UPDATE refused/);
    await expect(db.$executeRawUnsafe(`DELETE FROM audit_events WHERE id = ${id}`)).rejects.toThrow(/append-only: DELETE refused/);
    await expect(db.$executeRawUnsafe(`TRUNCATE audit_events`)).rejects.toThrow(/append-only: TRUNCATE refused/);
    await expect(db.auditEvent.update({ where: { id: ids[1]! }, data: { reason: "edited" } })).rejects.toThrow(/append-only/);
    await expect(db.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    expect(await db.auditEvent.count()).toBe(5);
    expect((await db.auditEvent.findUnique({ where: { id: ids[1]! } }))?.reason).toBe("step 1");
  });
});

describe("hash chain verification", () => {
  it("reports an intact chain with its head, across batches and past id 10 (numeric order)", async () => {
    let last = ids[4]!;
    for (let i = 0; i < 8; i++) last = (await seedEvent({ action: "pause", actor: "bob", outcome: "refused", at: `2026-07-0${i + 1}T08:00:00Z` })).id;
    const report = await verifyAuditChain({ audit: getDeps().audit }, { batchSize: 2 });
    expect(report).toMatchObject({ ok: true, checked: 13, head: { id: last.toString(), hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const { status, body } = await auditApi.integrity();
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, checked: 13 });
  });

  it("names an event whose content was edited (hash mismatch)", async () => {
    await tamper("UPDATE audit_events SET reason = 'nothing to see' WHERE id = $1", [ids[2]!.toString()]);
    const report = await verifyAuditChain({ audit: getDeps().audit }, { batchSize: 2 });
    expect(report).toMatchObject({ ok: false, checked: 2, broken: { id: ids[2]!.toString(), problem: "hash_mismatch" } });
    if (!report.ok) expect(report.broken.message).toContain(`event ${ids[2]}`);
  });

  it("names the event after one that was edited with its hash recomputed (prevHash mismatch)", async () => {
    await tamper("UPDATE audit_events SET hash = repeat('0', 64), reason = 'forged' WHERE id = $1", [ids[1]!.toString()]);
    // The forger's own row now fails its hash; fix that too, as a careful forger would...
    const report1 = await verifyAuditChain({ audit: getDeps().audit });
    expect(report1).toMatchObject({ ok: false, broken: { id: ids[1]!.toString(), problem: "hash_mismatch" } });
    // (This forger even holds the audit key.)
    const { expectedHashOf } = await import("@/lib/db/audit/events");
    const row = (await getDeps().db.auditEvent.findUnique({ where: { id: ids[1]! } }))!;
    await tamper("UPDATE audit_events SET hash = $1 WHERE id = $2", [expectedHashOf(row), ids[1]!.toString()]);
    // ...and the next link gives it away.
    const report2 = await verifyAuditChain({ audit: getDeps().audit });
    expect(report2).toMatchObject({ ok: false, checked: 2, broken: { id: ids[2]!.toString(), problem: "prev_hash_mismatch" } });
  });

  it("notices a deleted event through the next one's prevHash", async () => {
    await tamper("DELETE FROM audit_events WHERE id = $1", [ids[3]!.toString()]);
    const report = await verifyAuditChain({ audit: getDeps().audit }, { batchSize: 3 });
    expect(report).toMatchObject({ ok: false, checked: 3, broken: { id: ids[4]!.toString(), problem: "prev_hash_mismatch" } });
    const { body } = await auditApi.integrity();
    expect(body).toMatchObject({ ok: false, broken: { id: ids[4]!.toString() } });
  });

  it("npm run audit:verify exits 1 and names the broken event", async () => {
    await tamper("UPDATE audit_events SET after = '{\"canaryWeight\": 0}' WHERE id = $1", [ids[3]!.toString()]);
    const tsx = path.resolve("node_modules", ".bin", "tsx");
    const run = promisify(execFile)(tsx, ["scripts/audit-verify.ts"], { env: { ...process.env, DATABASE_URL: url }, timeout: 30_000 });
    const failure = await run.then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toContain(`BROKEN at event ${ids[3]} (hash mismatch)`);
    expect(failure?.stdout).toContain("3 events before it verified");
  }, 40_000);

  it("--head catches a chain rewritten end to end, even by someone holding the database and the key", async () => {
    const { expectedHashOf } = await import("@/lib/db/audit/events");
    const noted = (await getDeps().db.auditEvent.findUniqueOrThrow({ where: { id: ids[4]! } })).hash;
    // Rewrite every event's reason and re-link the whole chain: intact in itself.
    await tamper("UPDATE audit_events SET reason = 'nothing happened'");
    let prevHash: string | null = null;
    for (const row of await getDeps().db.auditEvent.findMany({ orderBy: { id: "asc" } })) {
      const hash = expectedHashOf({ ...row, prevHash });
      await tamper("UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE id = $3", [prevHash, hash, row.id.toString()]);
      prevHash = hash;
    }
    expect(await verifyAuditChain({ audit: getDeps().audit })).toMatchObject({ ok: true });

    const tsx = path.resolve("node_modules", ".bin", "tsx");
    const run = (...args: string[]) =>
      promisify(execFile)(tsx, ["scripts/audit-verify.ts", ...args], { env: { ...process.env, DATABASE_URL: url }, timeout: 30_000 }).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => error,
      );
    const failure = await run("--head", `${ids[4]}:${noted}`);
    expect(failure.code).toBe(1);
    expect(failure.stdout).toContain(`BROKEN at event ${ids[4]} (noted head rewritten)`);
    expect((await run("--head", "12:nothex")).code).toBe(2);
  }, 40_000);
});
