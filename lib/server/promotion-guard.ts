import { AppError } from "../app-error";
import { latestCheckResults, ticksOf } from "../db/approvals";
import { listFreezeWindows } from "../db/freeze-windows";
import type { Actor } from "../domain/actor";
import { evaluateApprovals, type ApprovalEvaluation, type CheckResult, type Tick } from "../domain/approvals/status";
import { activeFreezes, describeFreeze, type ActiveFreeze } from "../domain/freeze/windows";
import type { Rollout } from "../domain/rollout";
import type { Deps } from "../composition/deps";

export type PromotionCheck = { freezes: ActiveFreeze[]; approvals: ApprovalEvaluation; ticks: Tick[]; results: CheckResult[] };

/** What stands between a rollout and its next promotion now: freeze windows and approvals. Reads only. */
export async function promotionCheck(
  deps: Pick<Deps, "db">,
  { rollout, promoter, now }: { rollout: Rollout; promoter: string | null; now: Date },
): Promise<PromotionCheck> {
  const [windows, ticks, results] = await Promise.all([
    listFreezeWindows(deps.db),
    rollout.approvals ? ticksOf(deps.db, [rollout.id]).then((m) => m.get(rollout.id) ?? []) : [],
    rollout.approvals?.checks.length ? latestCheckResults(deps.db, [rollout.id]).then((m) => m.get(rollout.id) ?? []) : [],
  ]);
  return {
    freezes: activeFreezes(windows, rollout.namespace, now),
    approvals: evaluateApprovals({ approvals: rollout.approvals, ticks, results, promoter, now }),
    ticks,
    results,
  };
}

export function frozenMessage(freezes: readonly ActiveFreeze[]): string {
  return `promotion refused during ${freezes.map(describeFreeze).join("; ")}; rollback and pause are still allowed, and an admin may override with a reason`;
}

/**
 * Refuses a promotion during a freeze window (FROZEN, unless an admin overrides it with a reason)
 * or before the rollout's approvals hold (APPROVAL_PENDING; no override). Returns the names of the
 * windows an override went past, for the audit event.
 */
export async function assertPromotionAllowed(
  deps: Pick<Deps, "db" | "now">,
  { rollout, actor, overrideFreeze }: { rollout: Rollout; actor: Actor; overrideFreeze: boolean },
): Promise<{ overridden: string[] }> {
  const check = await promotionCheck(deps, { rollout, promoter: actor.id, now: deps.now() });
  let overridden: string[] = [];
  if (check.freezes.length > 0) {
    if (!overrideFreeze) throw new AppError("FROZEN", frozenMessage(check.freezes));
    overridden = check.freezes.map((f) => f.window.name);
  }
  if (!check.approvals.ready) throw new AppError("APPROVAL_PENDING", `promotion refused: ${check.approvals.blockers.join("; ")}`);
  return { overridden };
}

/** The checks an override brings with it, before anything else is looked at. */
export function assertOverrideAllowed({ actor, action, reason }: { actor: Actor; action: string; reason: string | null }): void {
  if (action !== "promote" && action !== "promote_full") {
    const message = "overrideFreeze applies to promote and promote_full only";
    throw new AppError("VALIDATION", message, { fields: { overrideFreeze: message } });
  }
  if (actor.role !== "admin") throw new AppError("FORBIDDEN", `only admins may override a freeze window; you are ${actor.id} with the ${actor.role} role`);
  if (!reason) {
    const message = "a reason is required to override a freeze window";
    throw new AppError("VALIDATION", message, { fields: { reason: message } });
  }
}
