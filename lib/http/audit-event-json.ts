import type { AuditEvent } from "../db/generated/client";
import type { AuditLogEntry } from "../domain/audit-entry";

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

export function auditEventJson(event: AuditEvent): AuditEventJson {
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
  prevHash: string | null;
  hash: string;
};

export function auditLogEntryJson(entry: AuditLogEntry): AuditLogEntryJson {
  return {
    id: entry.id.toString(),
    at: entry.at.toISOString(),
    rolloutId: entry.rolloutId,
    rollout: entry.rollout,
    actor: { id: entry.actorId, email: entry.actorEmail, role: entry.actorRole },
    action: entry.action,
    reason: entry.reason,
    outcome: entry.outcome,
    error: entry.errorCode ? { code: entry.errorCode, message: entry.errorMessage ?? "" } : null,
    before: (entry.before ?? null) as Weights,
    after: (entry.after ?? null) as Weights,
    resourceVersionBefore: entry.resourceVersionBefore,
    resourceVersionAfter: entry.resourceVersionAfter,
    durationMs: entry.durationMs,
    requestId: entry.requestId,
    clientAddress: entry.clientAddress,
    prevHash: entry.prevHash,
    hash: entry.hash,
  };
}
