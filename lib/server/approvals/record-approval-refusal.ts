import { isAppError } from "../../app-error";
import { appendAuditEvent } from "../../db/audit/events";
import type { RequestContext } from "../../domain/actor";
import type { Deps } from "../deps";

/**
 * An approvals request that was refused (bad input, unknown item, wrong state) leaves one audit
 * event, as refused actions do; unexpected failures are left to the caller's 500.
 */
export async function recordApprovalRefusal(
  deps: Pick<Deps, "db">,
  { rolloutId, action, context, error, startedAt }: { rolloutId: string | null; action: string; context: RequestContext; error: unknown; startedAt: number },
): Promise<void> {
  if (!isAppError(error)) return;
  await appendAuditEvent(deps.db, {
    rolloutId,
    actor: context.actor,
    action,
    outcome: "refused",
    error: { code: error.code, message: error.message },
    durationMs: Math.round(performance.now() - startedAt),
    requestId: context.requestId,
    clientAddress: context.clientAddress,
  });
}
