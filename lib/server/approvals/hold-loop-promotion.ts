import { ANALYSIS_ACTOR } from "../../domain/actor";
import type { Decision } from "../../domain/analysis/decide";
import type { Rollout } from "../../domain/rollout";
import { describeFreeze } from "../../domain/freeze/windows";
import type { Deps } from "../../composition/deps";
import { promotionCheck, type PromotionCheck } from "../promotion-guard";
import { runApprovalChecks } from "./run-approval-checks";

/**
 * While analysis waits to promote, it runs the HTTP checks at most once per this many seconds:
 * bounded requests to the checked services and audit events, and a failing check retried.
 */
export const LOOP_RECHECK_SECONDS = 60;

/** Whether the loop should run the checks now: some are not passing or not recent, and the last run is a minute old. */
function checksDue(check: PromotionCheck, now: Date): boolean {
  const age = (at: Date) => now.getTime() - at.getTime();
  const needed = check.approvals.checks.some(({ state, result }) => state !== "pass" || age(result!.at) > LOOP_RECHECK_SECONDS * 1000);
  const lastRun = Math.max(...check.results.map((r) => r.at.getTime()));
  return needed && (check.results.length === 0 || now.getTime() - lastRun >= LOOP_RECHECK_SECONDS * 1000);
}

/**
 * What holds analysis from carrying out a promotion it decided on: a freeze window, unticked
 * checklist items, or HTTP checks that do not pass. With `run`, checks whose results are missing,
 * failing or older than LOOP_RECHECK_SECONDS are run first (as aviary-analysis, audited), so the
 * checks are fresh when the loop promotes. Null when nothing holds it.
 */
export async function holdLoopPromotion(deps: Deps, rollout: Rollout, { run }: { run: boolean }): Promise<string | null> {
  const now = deps.now();
  let check = await promotionCheck(deps, { rollout, promoter: ANALYSIS_ACTOR.id, now });
  const [freeze] = check.freezes;
  if (freeze) return `${describeFreeze(freeze)}: analysis promotes once it ends`;
  if (check.approvals.ticked < check.approvals.total) return check.approvals.blockers[0]!;
  if (checksDue(check, now)) {
    if (!run) return null; // the loop runs them before it would promote
    await runApprovalChecks(deps, { id: rollout.id, context: { actor: ANALYSIS_ACTOR, requestId: `analysis-checks-${rollout.id}`, clientAddress: null } });
    check = await promotionCheck(deps, { rollout, promoter: ANALYSIS_ACTOR.id, now: deps.now() });
  }
  return check.approvals.ready ? null : `waiting for approval: ${check.approvals.blockers.join("; ")}`;
}

/** The decision as carried out: a promotion held back becomes "none", saying why. */
export function heldDecision(decision: Decision, hold: string | null): Decision {
  if (hold === null) return decision;
  return { action: "none", enforce: false, reason: `ready to promote, but ${hold}` };
}
