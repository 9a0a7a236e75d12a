import { isAppError } from "../app-error";
import { appendAuditEvent, type AuditOutcome } from "../db/audit/events";
import type { DbTx } from "../db/rollouts";
import type { Prisma } from "../db/generated/client";
import type { TargetState } from "../domain/rollout-actions";
import type { RequestContext } from "../domain/actor";

/** One audit event per action attempt: what was asked, by whom, what it changed, how it ended. */
export type ActionRecord = {
  rolloutId: string | null;
  action: string;
  reason: string | null;
  context: RequestContext;
  before?: (TargetState & { liveCanaryWeight?: number | null }) | null;
  after?: (TargetState & { reconciled?: boolean; freezeOverride?: string[] }) | null;
  resourceVersionBefore?: string | null;
  resourceVersionAfter?: string | null;
  startedAt: number;
  error?: unknown;
  /** Overrides the outcome the error code implies, e.g. a write Aviary attempted and gave up on. */
  outcome?: AuditOutcome;
};

const REFUSALS = new Set([
  "VALIDATION",
  "BAD_JSON",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
  "CONFLICT",
  "DRIFT",
  "FROZEN",
  "APPROVAL_PENDING",
  "INVALID_STATE",
  "FORBIDDEN",
  "NOT_FOUND",
  "TARGET_INVALID",
]);

export function weights(state: TargetState | null | undefined) {
  return state ? { ...state, stableWeight: 100 - state.canaryWeight } : null;
}

/** The error code an action attempt ended with (null: it succeeded), as the audit log and the metrics record it. */
export function actionErrorCode(error: unknown): string | null {
  return error === undefined ? null : isAppError(error) ? error.code : "INTERNAL";
}

/** How an attempt ended, from its error (undefined: success) unless `override` says otherwise. */
export function actionOutcome(error: unknown, override?: AuditOutcome): AuditOutcome {
  const code = actionErrorCode(error);
  return override ?? (code === null ? "success" : REFUSALS.has(code) ? "refused" : "failed");
}

export async function recordAction(tx: Prisma.TransactionClient | DbTx, record: ActionRecord) {
  const error = record.error;
  const code = actionErrorCode(error);
  return appendAuditEvent(tx as Prisma.TransactionClient, {
    rolloutId: record.rolloutId,
    actor: record.context.actor,
    action: record.action,
    reason: record.reason,
    outcome: actionOutcome(error, record.outcome),
    error: code === null ? null : { code, message: error instanceof Error ? error.message : String(error) },
    before: record.before ? { ...record.before, stableWeight: 100 - record.before.canaryWeight } : null,
    after: weights(record.after),
    resourceVersionBefore: record.resourceVersionBefore ?? null,
    resourceVersionAfter: record.resourceVersionAfter ?? null,
    durationMs: Math.round(performance.now() - record.startedAt),
    requestId: record.context.requestId,
    clientAddress: record.context.clientAddress,
  });
}
