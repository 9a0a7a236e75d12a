import type { AuditEvent } from "../db/generated/client";

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
