import type { Rollout } from "../rollout";

/**
 * One audit event as the history, the log and the exports read it: the stored event plus the
 * rollout it concerns (name and service, which the event itself only references by id).
 */
export type AuditLogEntry = {
  id: bigint;
  at: Date;
  rolloutId: string | null;
  actorId: string;
  actorEmail: string | null;
  actorRole: string | null;
  action: string;
  reason: string | null;
  outcome: string;
  errorCode: string | null;
  errorMessage: string | null;
  before: unknown;
  after: unknown;
  resourceVersionBefore: string | null;
  resourceVersionAfter: string | null;
  durationMs: number | null;
  requestId: string | null;
  clientAddress: string | null;
  /** How many identical refused requests this event stands for (a folded flood); 1 otherwise. */
  repeatCount: number;
  prevHash: string | null;
  hash: string;
  rollout: { name: string; namespace: string; virtualService: string; cluster: string } | null;
};

/** An audit event as stored, without its rollout's names (a Prisma row fits it). */
export type StoredAuditEntry = Omit<AuditLogEntry, "rollout">;

/** One row of the rollout history: the rollout, its latest event and how many it has. */
export type HistoryRow = {
  rollout: Rollout;
  lastEvent: { at: Date; action: string; outcome: string; actorId: string; actorEmail: string | null } | null;
  eventCount: number;
};

export const AUDIT_OUTCOMES = ["success", "refused", "failed"] as const;

/** Actions Aviary writes today (definition changes, then traffic actions); the filters offer these. */
export const KNOWN_AUDIT_ACTIONS = [
  "create",
  "update",
  "archive",
  "start",
  "promote",
  "promote_full",
  "pause",
  "resume",
  "rollback",
  "adopt",
  "approval_tick",
  "approval_untick",
  "approval_checks",
  "freeze_create",
  "freeze_delete",
  "refusal_flood",
  "demo_fault",
] as const;

type StateFields = { status?: unknown; currentStep?: unknown; canaryWeight?: unknown; stableWeight?: unknown };

/** A number field of a before/after snapshot, or null when absent or not a number. */
export function snapshotNumber(state: unknown, field: "canaryWeight" | "stableWeight" | "currentStep"): number | null {
  if (!state || typeof state !== "object") return null;
  const value = (state as StateFields)[field];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export function snapshotStatus(state: unknown): string | null {
  if (!state || typeof state !== "object") return null;
  const value = (state as StateFields).status;
  return typeof value === "string" ? value : null;
}

/** The stable weight of a snapshot: stored since traffic actions record it, else 100 − canary. */
export function snapshotStableWeight(state: unknown): number | null {
  const stored = snapshotNumber(state, "stableWeight");
  if (stored !== null) return stored;
  const canary = snapshotNumber(state, "canaryWeight");
  return canary === null ? null : 100 - canary;
}

/** "shop/checkout" or null for events not tied to a rollout. */
export function serviceOf(entry: Pick<AuditLogEntry, "rollout">): string | null {
  return entry.rollout ? `${entry.rollout.namespace}/${entry.rollout.virtualService}` : null;
}
