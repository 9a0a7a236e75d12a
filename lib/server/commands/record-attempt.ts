import { isAppError } from "../../app-error";
import { appendAuditEvent, type AuditOutcome, type NewAuditEvent } from "../../db/audit/events";
import type { DbTx } from "../../db/rollouts";
import type { Tx } from "../../db/transaction";
import type { RequestContext } from "../../domain/actor";
import type { TargetState } from "../../domain/rollout-actions";

/**
 * The one way a state-changing request reaches the audit log: success, refusal and failure alike,
 * one event per attempt (actions, definitions, approvals, freeze windows, demo faults, and the
 * role refusals folded in refusals.ts). What differs between them is only what they put in
 * before/after; the outcome, the error's code and text, the timing and who asked are worked out
 * here, the same way for each.
 */
export type Attempt = {
  action: string;
  rolloutId: string | null;
  context: Pick<RequestContext, "requestId" | "clientAddress"> & { actor: NewAuditEvent["actor"] };
  reason?: string | null;
  before?: unknown;
  after?: unknown;
  resourceVersionBefore?: string | null;
  resourceVersionAfter?: string | null;
  /** performance.now() when the attempt began: the event's duration. Role refusals have none. */
  startedAt?: number;
  /** Why it did not succeed; undefined: it did. */
  error?: unknown;
  /** Overrides the outcome the error code implies, e.g. a write Aviary attempted and gave up on. */
  outcome?: AuditOutcome;
  /** Folded refusals: how many requests this event stands for, and when the last came. */
  repeatCount?: number;
  at?: Date;
};

/** Codes that mean "Aviary said no" rather than "Aviary tried and could not". */
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
  // A person running approval checks again within the cooldown, or an actor past the refusal limit.
  "RATE_LIMITED",
]);

/** The error code an attempt ended with (null: it succeeded), as the audit log and the metrics record it. */
export function attemptErrorCode(error: unknown): string | null {
  return error === undefined ? null : isAppError(error) ? error.code : "INTERNAL";
}

/** How an attempt ended, from its error (undefined: success) unless `override` says otherwise. */
export function attemptOutcome(error: unknown, override?: AuditOutcome): AuditOutcome {
  const code = attemptErrorCode(error);
  return override ?? (code === null ? "success" : REFUSALS.has(code) ? "refused" : "failed");
}

/** The audit event of one attempt, in the caller's transaction when it has one (the change and its event commit together). */
export async function recordAttempt(db: Tx | DbTx, attempt: Attempt): Promise<void> {
  const { error } = attempt;
  const code = attemptErrorCode(error);
  await appendAuditEvent(db as Tx, {
    rolloutId: attempt.rolloutId,
    actor: attempt.context.actor,
    action: attempt.action,
    reason: attempt.reason ?? null,
    outcome: attemptOutcome(error, attempt.outcome),
    error: code === null ? null : { code, message: error instanceof Error ? error.message : String(error) },
    before: attempt.before ?? null,
    after: attempt.after ?? null,
    resourceVersionBefore: attempt.resourceVersionBefore ?? null,
    resourceVersionAfter: attempt.resourceVersionAfter ?? null,
    durationMs: attempt.startedAt === undefined ? null : Math.round(performance.now() - attempt.startedAt),
    requestId: attempt.context.requestId,
    clientAddress: attempt.context.clientAddress,
    ...(attempt.repeatCount === undefined ? {} : { repeatCount: attempt.repeatCount }),
    ...(attempt.at === undefined ? {} : { at: attempt.at }),
  });
}

/** Weights as the audit log keeps them: both sides, so a reader need not know they sum to 100. */
export function withStable<T extends TargetState>(state: T | null | undefined): (T & { stableWeight: number }) | null {
  return state ? { ...state, stableWeight: 100 - state.canaryWeight } : null;
}
