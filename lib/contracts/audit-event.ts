import type { AuditLogEntry, StoredAuditEntry } from "../domain/audit/entry";

type Weights = { canaryWeight?: number; stableWeight?: number; status?: string; currentStep?: number | null } | null;

/** An audit event as the API shows it: ids as strings (they are 64-bit), dates as ISO strings. */
export type AuditEventJson = {
  id: string;
  at: string;
  rolloutId: string | null;
  actor: { id: string; email: string | null; role: string | null };
  action: string;
  reason: string | null;
  outcome: string;
  error: { code: string; message: string } | null;
  before: Weights;
  after: Weights;
  resourceVersionBefore: string | null;
  resourceVersionAfter: string | null;
  durationMs: number | null;
  requestId: string | null;
};

/** The stored columns both shapes are made from: a Prisma row or an audit log entry. */
type StoredEvent = Pick<
  StoredAuditEntry,
  | "id"
  | "at"
  | "rolloutId"
  | "actorId"
  | "actorEmail"
  | "actorRole"
  | "action"
  | "reason"
  | "outcome"
  | "errorCode"
  | "errorMessage"
  | "resourceVersionBefore"
  | "resourceVersionAfter"
  | "durationMs"
  | "requestId"
> & { before: unknown; after: unknown };

export function auditEventJson(event: StoredEvent): AuditEventJson {
  return {
    id: event.id.toString(),
    at: event.at.toISOString(),
    rolloutId: event.rolloutId,
    actor: { id: event.actorId, email: event.actorEmail, role: event.actorRole },
    action: event.action,
    reason: event.reason,
    outcome: event.outcome,
    error: event.errorCode ? { code: event.errorCode, message: event.errorMessage ?? "" } : null,
    before: (event.before ?? null) as Weights,
    after: (event.after ?? null) as Weights,
    resourceVersionBefore: event.resourceVersionBefore,
    resourceVersionAfter: event.resourceVersionAfter,
    durationMs: event.durationMs,
    requestId: event.requestId,
  };
}

/**
 * An audit log entry as /api/audit-events and the JSON export show it: the event with its
 * rollout's name and service, where it came from, and its place in the hash chain.
 */
export type AuditLogEntryJson = AuditEventJson & {
  rollout: { name: string; namespace: string; virtualService: string; cluster: string } | null;
  clientAddress: string | null;
  /** How many identical refused requests this event stands for (a folded flood); 1 otherwise. */
  repeatCount: number;
  prevHash: string | null;
  hash: string;
};

export function auditLogEntryJson(entry: AuditLogEntry): AuditLogEntryJson {
  return {
    ...auditEventJson(entry),
    rollout: entry.rollout,
    clientAddress: entry.clientAddress,
    repeatCount: entry.repeatCount,
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}
