import type { Prisma } from "./generated/client";
import type { Db } from "./client";
import type { CheckResult, Tick } from "../domain/approvals/status";

/** Approval ticks and HTTP check results: everything that reads or writes their tables. */

type Tx = Prisma.TransactionClient | Db;

export async function ticksOf(db: Tx, rolloutIds: readonly string[]): Promise<Map<string, Tick[]>> {
  const byRollout = new Map<string, Tick[]>();
  if (rolloutIds.length === 0) return byRollout;
  const rows = await db.approvalTick.findMany({ where: { rolloutId: { in: [...rolloutIds] } }, orderBy: { at: "asc" } });
  for (const row of rows) {
    const list = byRollout.get(row.rolloutId) ?? [];
    list.push({ itemId: row.itemId, actorId: row.actorId, actorEmail: row.actorEmail, at: row.at });
    byRollout.set(row.rolloutId, list);
  }
  return byRollout;
}

export async function setTick(
  tx: Tx,
  { rolloutId, itemId, ticked, actor, at }: { rolloutId: string; itemId: string; ticked: boolean; actor: { id: string; email: string | null }; at: Date },
): Promise<Tick | null> {
  if (!ticked) {
    await tx.approvalTick.deleteMany({ where: { rolloutId, itemId } });
    return null;
  }
  const row = await tx.approvalTick.upsert({
    where: { rolloutId_itemId: { rolloutId, itemId } },
    create: { rolloutId, itemId, actorId: actor.id, actorEmail: actor.email, at },
    update: {},
  });
  return { itemId: row.itemId, actorId: row.actorId, actorEmail: row.actorEmail, at: row.at };
}

/** Each check's latest result per rollout: one statement along the (rollout_id, check_name, at) index. */
export async function latestCheckResults(db: Tx, rolloutIds: readonly string[]): Promise<Map<string, CheckResult[]>> {
  const byRollout = new Map<string, CheckResult[]>();
  if (rolloutIds.length === 0) return byRollout;
  const rows = await db.$queryRaw<
    {
      rollout_id: string;
      check_name: string;
      url: string;
      expect_status: number;
      at: Date;
      ok: boolean;
      status: number | null;
      latency_ms: number;
      excerpt: string | null;
      error: string | null;
      actor_id: string;
    }[]
  >`SELECT DISTINCT ON (rollout_id, check_name) rollout_id::text AS rollout_id, check_name, url, expect_status, at, ok, status, latency_ms, excerpt, error, actor_id
      FROM approval_check_results WHERE rollout_id = ANY(${[...rolloutIds]}::uuid[])
     ORDER BY rollout_id, check_name, at DESC, id DESC`;
  for (const row of rows) {
    const list = byRollout.get(row.rollout_id) ?? [];
    list.push({
      check: row.check_name,
      url: row.url,
      expectStatus: row.expect_status,
      at: row.at,
      ok: row.ok,
      status: row.status,
      latencyMs: row.latency_ms,
      excerpt: row.excerpt,
      error: row.error,
      actorId: row.actor_id,
    });
    byRollout.set(row.rollout_id, list);
  }
  return byRollout;
}

export async function insertCheckResults(tx: Tx, rolloutId: string, results: readonly CheckResult[]): Promise<void> {
  await tx.approvalCheckResult.createMany({
    data: results.map((r) => ({
      rolloutId,
      checkName: r.check,
      url: r.url,
      expectStatus: r.expectStatus,
      at: r.at,
      ok: r.ok,
      status: r.status,
      latencyMs: r.latencyMs,
      excerpt: r.excerpt,
      error: r.error,
      actorId: r.actorId,
    })),
  });
}
