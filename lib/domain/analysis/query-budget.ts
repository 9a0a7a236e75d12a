import type { Gate } from "./definition";
import { entryOf } from "./gates";
import { BURN_RATE_QUERIES, WINDOW_QUERIES } from "./gates/entry";

/**
 * How many Prometheus queries one analysis pass may send, and which due rollouts get them.
 *
 * A rollout's cost has two parts, each gate kind saying which it incurs (its entry's `cost`, in
 * gates/<kind>.ts). Custom gates are queried per rollout: a promql gate once for the canary (twice
 * when its template measures `{{target}}` on both sides), a judge gate twice per metric (a range
 * query per side), a successRate gate once. Built-in gates ride in grouped queries shared by every
 * rollout in the pass (lib/prometheus/fetch-analysis-evidence.ts): two per distinct window
 * (counts, then quantiles) and two for all burn-rate gates together; a rollout pays for a shared
 * query only if no rollout admitted before it already did.
 *
 * Fairness: rollouts deferred in an earlier pass go first, the longest-waiting first, so a large
 * rollout waits at most until it reaches the head of the line and cannot be starved by a stream
 * of small ones, nor starve them (what does not fit is skipped, smaller ones behind it still run).
 * A rollout that alone needs more than the whole budget runs in a pass of its own once it is at
 * the head of the line (first in the pass), rather than never: the budget bounds the usual pass,
 * the concurrency limit in the Prometheus client still bounds every one.
 */
/**
 * AVIARY_ANALYSIS_QUERY_BUDGET's default (lib/env.ts): a tenth of the worst single rollout
 * (20 judges of 50 metrics, 2,000 queries); the built-in gates of any number of rollouts take a handful of it.
 */
export const DEFAULT_QUERY_BUDGET = 200;

export type QueryCost = { custom: number; shared: Readonly<Record<string, number>> };

export { BURN_RATE_QUERIES, WINDOW_QUERIES };

export function queryCostOf(gates: readonly Gate[]): QueryCost {
  let custom = 0;
  const shared: Record<string, number> = {};
  for (const gate of gates) {
    const cost = entryOf(gate).cost(gate);
    if ("custom" in cost) custom += cost.custom;
    else shared[cost.shared] = cost.queries;
  }
  return { custom, shared };
}

export type BudgetCandidate = { id: string; cost: QueryCost };
/** A rollout left for a later pass: what it would have cost now, and what was left when its turn came. */
export type Deferral = { id: string; wanted: number; left: number };
export type PassPlan = { admitted: string[]; deferred: Deferral[]; used: number };

export function planPass({
  candidates,
  budget,
  deferredSince,
}: {
  /** The due rollouts, in the order they would otherwise be evaluated. */
  candidates: readonly BudgetCandidate[];
  budget: number;
  /** When each rollout still waiting was first deferred (ms); absent: not waiting. */
  deferredSince: ReadonlyMap<string, number>;
}): PassPlan {
  const waiting = (id: string) => deferredSince.get(id) ?? Number.POSITIVE_INFINITY;
  // Array.prototype.sort is stable: equals keep their given order.
  const ordered = [...candidates].sort((a, b) => waiting(a.id) - waiting(b.id));
  const paid = new Set<string>();
  const admitted: string[] = [];
  const deferred: Deferral[] = [];
  let used = 0;
  let closed = false; // an oversized rollout took the pass for itself
  for (const { id, cost } of ordered) {
    const fresh = Object.entries(cost.shared).filter(([key]) => !paid.has(key));
    const wanted = cost.custom + fresh.reduce((sum, [, n]) => sum + n, 0);
    const left = Math.max(0, budget - used);
    const alone = admitted.length === 0 && wanted > budget;
    if (closed || (wanted > left && !alone)) {
      deferred.push({ id, wanted, left: closed ? 0 : left });
      continue;
    }
    admitted.push(id);
    used += wanted;
    for (const [key] of fresh) paid.add(key);
    if (alone) closed = true;
  }
  return { admitted, deferred, used };
}

/** What the rollout's page says while it waits. */
export function deferralReason({ wanted, left, budget }: { wanted: number; left: number; budget: number }): string {
  if (wanted > budget) {
    return `waiting for query budget: ${wanted} queries wanted, more than the whole budget of ${budget} a pass (AVIARY_ANALYSIS_QUERY_BUDGET); evaluated in a pass of its own when its turn comes`;
  }
  return `waiting for query budget: ${wanted} queries wanted, ${left} left this pass; evaluated next pass, ahead of rollouts that did not wait`;
}

/** The waiting line after a pass: admitted rollouts leave it, deferred ones keep their first deferral's time. */
export function nextDeferredSince(previous: ReadonlyMap<string, number>, plan: PassPlan, now: number): Map<string, number> {
  const next = new Map(previous);
  for (const id of plan.admitted) next.delete(id);
  for (const { id } of plan.deferred) if (!next.has(id)) next.set(id, now);
  return next;
}
