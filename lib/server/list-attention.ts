import { latestCheckResults, ticksOf } from "../db/approvals";
import { latestGateEvaluations, type LatestGateEvaluation } from "../db/evaluation-summaries";
import { listFreezeWindows } from "../db/freeze-windows";
import { effectiveGates } from "../domain/analysis/definition";
import { evaluateApprovals } from "../domain/approvals/status";
import { attentionOf, type Attention, type PromotionHolds } from "../domain/attention";
import { activeFreezes, describeFreeze } from "../domain/freeze/windows";
import type { Rollout } from "../domain/rollout";
import { isLive } from "../domain/rollout-lifecycle";
import type { Deps } from "../composition/deps";
import { listRollouts } from "./list-rollouts";

export type AttentionItem = { rollout: Rollout; gates: LatestGateEvaluation[]; holds: PromotionHolds; attention: Attention };

/**
 * The overview's list: every rollout (same query and order as listRollouts) with its gates'
 * latest verdicts, what holds its promotions (approvals waiting for a person, a freeze window) and
 * its attention group and reasons. A constant number of statements whatever the number of
 * rollouts: the rollouts, the latest evaluations of the live analysed ones, the freeze windows,
 * and the ticks and latest check results of the live ones with approvals.
 */
export async function listAttention(deps: Deps, { query = {} }: { query?: Record<string, string> } = {}): Promise<{ readAt: Date; items: AttentionItem[] }> {
  const rollouts = await listRollouts(deps, { query });
  const analysed = rollouts.flatMap(({ id, status, analysis, slo }) =>
    isLive(status) && analysis && analysis.mode !== "off" ? [{ rolloutId: id, gates: effectiveGates(analysis, slo).length }] : [],
  );
  const approving = rollouts.filter((r) => isLive(r.status) && r.approvals).map((r) => r.id);
  const [latest, windows, ticks, results] = await Promise.all([
    latestGateEvaluations(deps.db, analysed),
    listFreezeWindows(deps.db),
    ticksOf(deps.db, approving),
    latestCheckResults(deps.db, approving),
  ]);
  const now = deps.now();
  return {
    readAt: now,
    items: rollouts.map((rollout) => {
      const gates = latest.get(rollout.id) ?? [];
      const approvals = rollout.approvals
        ? evaluateApprovals({ approvals: rollout.approvals, ticks: ticks.get(rollout.id) ?? [], results: results.get(rollout.id) ?? [], promoter: null, now })
        : null;
      const [freeze] = isLive(rollout.status) ? activeFreezes(windows, rollout.namespace, now) : [];
      const holds: PromotionHolds = {
        approval: approvals?.needsPerson ? (approvals.blockers[0] ?? null) : null,
        frozen: freeze ? describeFreeze(freeze) : null,
      };
      return { rollout, gates, holds, attention: attentionOf({ rollout, gates, holds, now }) };
    }),
  };
}
