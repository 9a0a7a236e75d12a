import type { Notifications } from "../domain/notifications/definition";
import type { DestinationKind } from "../domain/notifications/destinations/registry";
import type { Db } from "./client";
import { Prisma } from "./generated/client";

/**
 * The notifications outbox and its bookkeeping. Every write here is safe with several
 * dispatchers at once (replicas, or a leader that lost its lock mid-pass): deliveries are unique
 * per (event, destination) and inserted ON CONFLICT DO NOTHING, the cursor only moves forward, a
 * condition is announced by whoever inserts its row, and a delivery is claimed by one dispatcher
 * (FOR UPDATE SKIP LOCKED) under a lease. Times are the database's clock, shared by every replica.
 */

export type NewDelivery = {
  eventKey: string;
  destination: string;
  rolloutId: string | null;
  kind: DestinationKind;
  message: unknown;
};

export type ClaimedDelivery = {
  id: bigint;
  eventKey: string;
  destination: string;
  rolloutId: string | null;
  kind: string;
  message: unknown;
  /** Including this one. */
  attempts: number;
};

const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;

/** Queues deliveries; those already queued (same event and destination) are left alone. Returns how many are new. */
export async function enqueueDeliveries(db: Db | Prisma.TransactionClient, rows: readonly NewDelivery[]): Promise<number> {
  if (rows.length === 0) return 0;
  const { count } = await db.notificationDelivery.createMany({
    data: rows.map((row) => ({ ...row, message: json(row.message) })),
    skipDuplicates: true,
  });
  return count;
}

/** What the notification use cases read of rollouts: name and namespace (for the notice) and the stored block. */
export type RolloutForNotices = { id: string; name: string; namespace: string; notifications: Notifications | undefined };

/** The rollouts named, by id (a deleted one is absent). */
export async function rolloutsForNotices(db: Db, ids: readonly string[]): Promise<Map<string, RolloutForNotices>> {
  if (ids.length === 0) return new Map();
  const rows = await db.rollout.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, name: true, namespace: true, notifications: true } });
  return new Map(rows.map((row) => [row.id, { ...row, notifications: (row.notifications ?? undefined) as Notifications | undefined }]));
}

/** One rollout's notifications block as stored now (undefined without one, or when the rollout is gone). */
export async function rolloutNotificationBlock(db: Db, rolloutId: string): Promise<Notifications | undefined> {
  const row = await db.rollout.findUnique({ where: { id: rolloutId }, select: { notifications: true } });
  return (row?.notifications ?? undefined) as Notifications | undefined;
}

/**
 * The audit cursor: the id of the last event turned into notices. The first call starts it at the
 * log's head, so turning notifications on does not announce the whole history.
 */
export async function auditCursor(db: Db): Promise<bigint> {
  await db.$executeRaw`
    INSERT INTO notification_cursors (name, position)
    SELECT 'audit', COALESCE(MAX(id), 0) FROM audit_events
    ON CONFLICT (name) DO NOTHING`;
  const row = await db.notificationCursor.findUniqueOrThrow({ where: { name: "audit" } });
  return row.position;
}

export async function advanceAuditCursor(db: Db, position: bigint): Promise<void> {
  await db.$executeRaw`
    UPDATE notification_cursors SET position = GREATEST(position, ${position}), updated_at = clock_timestamp()
    WHERE name = 'audit'`;
}

/** Events after the cursor, oldest first, with their rollout's name and notification block. */
export async function auditEventsAfter(db: Db, position: bigint, limit: number) {
  return db.auditEvent.findMany({
    where: { id: { gt: position } },
    orderBy: { id: "asc" },
    take: limit,
    select: {
      id: true,
      at: true,
      rolloutId: true,
      actorId: true,
      actorEmail: true,
      action: true,
      reason: true,
      outcome: true,
      errorMessage: true,
      before: true,
      after: true,
    },
  });
}

/**
 * Marks a condition as announced and queues its deliveries, in one transaction: true when this
 * call opened it (and queued), false when it was already open.
 */
export async function openCondition(
  db: Db,
  { rolloutId, condition, since, deliveries }: { rolloutId: string; condition: string; since: Date; deliveries: (opened: Date) => NewDelivery[] },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const inserted = await tx.$queryRaw<{ since: Date }[]>`
      INSERT INTO notification_conditions (rollout_id, condition, since) VALUES (${rolloutId}::uuid, ${condition}, ${since})
      ON CONFLICT DO NOTHING RETURNING since`;
    const opened = inserted[0]?.since;
    if (!opened) return false;
    await enqueueDeliveries(tx, deliveries(opened));
    return true;
  });
}

/** Forgets every open condition not in `active` (they cleared): the next occurrence is announced again. */
export async function closeConditionsExcept(db: Db, active: readonly { rolloutId: string; condition: string }[]): Promise<number> {
  const ids = active.map((a) => a.rolloutId);
  const conditions = active.map((a) => a.condition);
  return db.$executeRaw`
    DELETE FROM notification_conditions c
    WHERE NOT EXISTS (
      SELECT 1 FROM unnest(${ids}::uuid[], ${conditions}::text[]) AS a(rollout_id, condition)
      WHERE a.rollout_id = c.rollout_id AND a.condition = c.condition)`;
}

/**
 * Claims up to `limit` deliveries that are due (or whose sender's lease ran out: it died
 * mid-send) for this dispatcher: one attempt each, leased for `leaseMs`.
 */
export async function claimDeliveries(db: Db, { limit, leaseMs }: { limit: number; leaseMs: number }): Promise<ClaimedDelivery[]> {
  return db.$queryRaw<ClaimedDelivery[]>`
    UPDATE notification_deliveries d
    SET status = 'sending', attempts = d.attempts + 1, lease_until = clock_timestamp() + make_interval(secs => ${leaseMs / 1000}::float8),
        updated_at = clock_timestamp()
    WHERE d.id IN (
      SELECT id FROM notification_deliveries
      WHERE (status = 'pending' AND next_attempt_at <= clock_timestamp()) OR (status = 'sending' AND lease_until < clock_timestamp())
      ORDER BY next_attempt_at, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING d.id, d.event_key AS "eventKey", d.destination, d.rollout_id::text AS "rolloutId", d.kind, d.message, d.attempts`;
}

export type AttemptResult = { ok: true; status: number } | { ok: false; status: number | null; error: string; retryInMs: number | null };

/** Records an attempt's outcome: delivered; or pending again after `retryInMs`; or failed for good when that is null. */
export async function finishAttempt(db: Db, id: bigint, result: AttemptResult): Promise<void> {
  if (result.ok) {
    await db.$executeRaw`
      UPDATE notification_deliveries
      SET status = 'delivered', delivered_at = clock_timestamp(), lease_until = NULL, last_status = ${result.status}, updated_at = clock_timestamp()
      WHERE id = ${id} AND status = 'sending'`;
    return;
  }
  const error = result.error.slice(0, 500);
  if (result.retryInMs === null) {
    await db.$executeRaw`
      UPDATE notification_deliveries
      SET status = 'failed', lease_until = NULL, last_status = ${result.status}, last_error = ${error}, updated_at = clock_timestamp()
      WHERE id = ${id} AND status = 'sending'`;
    return;
  }
  await db.$executeRaw`
    UPDATE notification_deliveries
    SET status = 'pending', lease_until = NULL, last_status = ${result.status}, last_error = ${error},
        next_attempt_at = clock_timestamp() + make_interval(secs => ${result.retryInMs / 1000}::float8), updated_at = clock_timestamp()
    WHERE id = ${id} AND status = 'sending'`;
}

/** Bounded retention: delivered and failed rows older than `before`. */
export async function pruneDeliveries(db: Db, before: Date): Promise<number> {
  const { count } = await db.notificationDelivery.deleteMany({ where: { status: { in: ["delivered", "failed"] }, createdAt: { lt: before } } });
  return count;
}

const DELIVERY_SELECT = {
  id: true,
  eventKey: true,
  destination: true,
  rolloutId: true,
  kind: true,
  message: true,
  status: true,
  attempts: true,
  nextAttemptAt: true,
  lastError: true,
  lastStatus: true,
  createdAt: true,
  deliveredAt: true,
} as const;

/** A rollout's most recent deliveries, newest first. */
export async function listRolloutDeliveries(db: Db, rolloutId: string, limit: number) {
  return db.notificationDelivery.findMany({ where: { rolloutId }, orderBy: { id: "desc" }, take: limit, select: DELIVERY_SELECT });
}

/** Deliveries not (yet) delivered after at least one attempt: retrying or failed, newest first. */
export async function listTroubledDeliveries(db: Db, { since, limit }: { since: Date; limit: number }) {
  return db.notificationDelivery.findMany({
    where: { createdAt: { gte: since }, OR: [{ status: "failed" }, { status: { in: ["pending", "sending"] }, attempts: { gt: 0 } }] },
    orderBy: { id: "desc" },
    take: limit,
    select: { ...DELIVERY_SELECT, rollout: { select: { name: true, namespace: true } } },
  });
}

export type DestinationSummaryRow = {
  destination: string;
  kind: string;
  delivered: number;
  retrying: number;
  failed: number;
  lastDeliveredAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  nextRetryAt: Date | null;
};

/** Per destination since `since`: how many delivered, retrying and failed; the last error; the next retry. */
export async function summarizeDestinations(db: Db, since: Date): Promise<DestinationSummaryRow[]> {
  return db.$queryRaw<DestinationSummaryRow[]>`
    SELECT destination, kind,
      count(*) FILTER (WHERE status = 'delivered')::int AS delivered,
      count(*) FILTER (WHERE status IN ('pending', 'sending') AND attempts > 0)::int AS retrying,
      count(*) FILTER (WHERE status = 'failed')::int AS failed,
      max(delivered_at) AS "lastDeliveredAt",
      (array_agg(last_error ORDER BY updated_at DESC) FILTER (WHERE last_error IS NOT NULL AND status <> 'delivered'))[1] AS "lastError",
      max(updated_at) FILTER (WHERE last_error IS NOT NULL AND status <> 'delivered') AS "lastErrorAt",
      min(next_attempt_at) FILTER (WHERE status = 'pending' AND attempts > 0) AS "nextRetryAt"
    FROM notification_deliveries
    WHERE created_at >= ${since}
    GROUP BY destination, kind
    ORDER BY destination`;
}
