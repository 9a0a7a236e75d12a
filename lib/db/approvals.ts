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
      size_bytes: number | null;
      body_sha256: string | null;
      excerpt: string | null;
      error: string | null;
      actor_id: string;
    }[]
  >`SELECT DISTINCT ON (rollout_id, check_name) rollout_id::text AS rollout_id, check_name, url, expect_status, at, ok, status, latency_ms, size_bytes, body_sha256, excerpt, error, actor_id
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
      size: row.size_bytes,
      sha256: row.body_sha256,
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
      sizeBytes: r.size,
      bodySha256: r.sha256,
      excerpt: r.excerpt,
      error: r.error,
      actorId: r.actorId,
    })),
  });
}

/**
 * Claims a person's run of a rollout's checks: true, and the run is recorded, when the last one is
 * at least `cooldownSeconds` old; otherwise false and when the last one was. One statement, so two
 * replicas answering two clicks at once cannot both run them.
 */
export async function claimCheckRun(
  db: Tx,
  { rolloutId, at, cooldownSeconds }: { rolloutId: string; at: Date; cooldownSeconds: number },
): Promise<{ claimed: true } | { claimed: false; lastRunAt: Date }> {
  const claimed = await db.$queryRaw<{ last_run_at: Date }[]>`
    INSERT INTO approval_check_runs (rollout_id, last_run_at) VALUES (${rolloutId}::uuid, ${at})
    ON CONFLICT (rollout_id) DO UPDATE SET last_run_at = EXCLUDED.last_run_at
     WHERE approval_check_runs.last_run_at <= EXCLUDED.last_run_at - make_interval(secs => ${cooldownSeconds}::double precision)
    RETURNING last_run_at`;
  if (claimed.length > 0) return { claimed: true };
  const row = await db.approvalCheckRun.findUnique({ where: { rolloutId }, select: { lastRunAt: true } });
  return { claimed: false, lastRunAt: row?.lastRunAt ?? at };
}
