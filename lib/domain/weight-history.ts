import type { Point } from "./series";

/**
 * What Aviary itself did to a rollout, read back from its audit log: the canary weight it set
 * over time (to draw against the split Prometheus observes) and the action markers on the
 * charts. Only successful events with a canary weight in their `after` state move the weight;
 * refused and failed attempts are markers only, since nothing changed in the cluster.
 */

export type AuditEntry = {
  at: Date;
  action: string;
  outcome: string;
  actor: string;
  reason: string | null;
  before: unknown;
  after: unknown;
};

/** An audit event as the weight history reads it (a stored event or a Prisma row fits the argument). */
export function auditEntryOf(event: {
  at: Date;
  action: string;
  outcome: string;
  actorEmail: string | null;
  actorId: string;
  reason: string | null;
  before: unknown;
  after: unknown;
}): AuditEntry {
  return {
    at: event.at,
    action: event.action,
    outcome: event.outcome,
    actor: event.actorEmail ?? event.actorId,
    reason: event.reason,
    before: event.before,
    after: event.after,
  };
}

export type ActionMarker = { t: number; action: string; actor: string; outcome: string; reason: string | null };
export type WeightChange = { t: number; action: string; canaryWeight: number };

/** Beyond this many markers a chart is unreadable; the most recent ones are kept. */
export const MAX_MARKERS = 100;

function weightIn(state: unknown): number | null {
  if (!state || typeof state !== "object") return null;
  const weight = (state as { canaryWeight?: unknown }).canaryWeight;
  return typeof weight === "number" && Number.isFinite(weight) && weight >= 0 && weight <= 100 ? weight : null;
}

/** The weight a successful event left behind; null when the event set no weight. */
export function weightAfter(entry: AuditEntry): number | null {
  return entry.outcome === "success" ? weightIn(entry.after) : null;
}

const byTime = (entries: readonly AuditEntry[]) => [...entries].sort((a, b) => a.at.getTime() - b.at.getTime());

/** When the rollout started: its first successful `start`; null while it is a draft. */
export function rolloutStartedAt(entries: readonly AuditEntry[]): Date | null {
  return byTime(entries).find((e) => e.action === "start" && e.outcome === "success")?.at ?? null;
}

/** Every weight Aviary set, in time order, from the creation of the rollout (weight 0). */
export function weightChanges(entries: readonly AuditEntry[]): WeightChange[] {
  const changes: WeightChange[] = [];
  for (const entry of byTime(entries)) {
    const weight = weightAfter(entry);
    if (weight === null || weight === changes.at(-1)?.canaryWeight) continue;
    changes.push({ t: entry.at.getTime(), action: entry.action, canaryWeight: weight });
  }
  return changes;
}

/**
 * The set canary share (0..1) on a chart grid, as a step function: at each grid time the last
 * weight set at or before it. Before the rollout existed there is no weight (null); after its
 * creation and before any change, the canary holds 0.
 */
export function setWeightSeries({ entries, grid, createdAt }: { entries: readonly AuditEntry[]; grid: readonly number[]; createdAt: Date }): Point[] {
  const changes = weightChanges(entries);
  let index = 0;
  let current: number | null = null;
  return grid.map((t) => {
    while (index < changes.length && (changes[index]?.t ?? Infinity) <= t) current = changes[index++]?.canaryWeight ?? current;
    if (t < createdAt.getTime()) return { t, v: null };
    return { t, v: (current ?? 0) / 100 };
  });
}

/** Events inside [start, end], oldest first, at most MAX_MARKERS (the latest). */
export function actionMarkers({ entries, start, end }: { entries: readonly AuditEntry[]; start: number; end: number }): ActionMarker[] {
  return byTime(entries)
    .filter((e) => e.at.getTime() >= start && e.at.getTime() <= end)
    .slice(-MAX_MARKERS)
    .map((e) => ({ t: e.at.getTime(), action: e.action, actor: e.actor, outcome: e.outcome, reason: e.reason }));
}
