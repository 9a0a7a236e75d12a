import { clearDeferrals, recordDeferrals } from "../db/analysis-deferrals";
import type { Gate } from "../domain/analysis/definition";
import { nextDeferredSince, planPass, queryCostOf, type Deferral } from "../domain/analysis/query-budget";
import type { Rollout } from "../domain/rollout";
import type { Deps } from "../composition/deps";

/**
 * The query budget of a pass (lib/domain/analysis/query-budget.ts) and the line of rollouts
 * waiting for it, kept by the caller across passes (the loop's leader; empty again after a hand-over).
 */
export type PassBudget = { queries: number; deferredSince: Map<string, number> };

/**
 * Which of the due rollouts this pass evaluates within its query budget. The others wait (the
 * line is `budget.deferredSince`, updated here), and their pages say so: one row each in
 * analysis_deferrals, deleted when the rollout is evaluated again. Statements are spent only
 * when someone waits or stops waiting, so a pass within its budget costs no more than before.
 */
export async function admitWithinBudget(
  deps: Deps,
  { due, gatesOf, budget, now }: { due: readonly Rollout[]; gatesOf: ReadonlyMap<string, Gate[]>; budget: PassBudget; now: Date },
): Promise<{ admitted: Rollout[]; deferred: Deferral[] }> {
  const plan = planPass({
    candidates: due.map((rollout) => ({ id: rollout.id, cost: queryCostOf(gatesOf.get(rollout.id) ?? []) })),
    budget: budget.queries,
    deferredSince: budget.deferredSince,
  });
  const next = nextDeferredSince(budget.deferredSince, plan, now.getTime());
  const stoppedWaiting = plan.admitted.filter((id) => budget.deferredSince.has(id));
  budget.deferredSince.clear();
  for (const [id, since] of next) budget.deferredSince.set(id, since);

  await recordDeferrals(
    deps.db,
    plan.deferred.map(({ id, wanted, left }) => ({
      rolloutId: id,
      since: new Date(next.get(id) ?? now.getTime()),
      at: now,
      wanted,
      left,
      budget: budget.queries,
    })),
  );
  await clearDeferrals(deps.db, stoppedWaiting);
  deps.metrics.analysisBudget({ budget: budget.queries, planned: plan.used, deferred: plan.deferred.length });

  // In the plan's order: rollouts that waited are evaluated (and act) first.
  const byId = new Map(due.map((rollout) => [rollout.id, rollout]));
  return { admitted: plan.admitted.map((id) => byId.get(id)!), deferred: plan.deferred };
}
