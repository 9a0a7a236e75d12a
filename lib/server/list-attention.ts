import { latestGateEvaluations, type LatestGateEvaluation } from "../db/evaluation-summaries";
import { effectiveGates } from "../domain/analysis/definition";
import { attentionOf, type Attention } from "../domain/attention";
import type { Rollout } from "../domain/rollout";
import { isLive } from "../domain/rollout-lifecycle";
import type { Deps } from "./deps";
import { listRollouts } from "./list-rollouts";

export type AttentionItem = { rollout: Rollout; gates: LatestGateEvaluation[]; attention: Attention };

/**
 * The overview's list: every rollout (same query and order as listRollouts) with its gates'
 * latest verdicts and its attention group and reasons. Two statements whatever the number of
 * rollouts: the rollouts, then the latest evaluations of the live analysed ones.
 */
export async function listAttention(deps: Deps, { query = {} }: { query?: Record<string, string> } = {}): Promise<{ readAt: Date; items: AttentionItem[] }> {
  const rollouts = await listRollouts(deps, { query });
  const analysed = rollouts.flatMap(({ id, status, analysis, slo }) =>
    isLive(status) && analysis && analysis.mode !== "off" ? [{ rolloutId: id, gates: effectiveGates(analysis, slo).length }] : [],
  );
  const latest = await latestGateEvaluations(deps.db, analysed);
  const now = deps.now();
  return {
    readAt: now,
    items: rollouts.map((rollout) => {
      const gates = latest.get(rollout.id) ?? [];
      return { rollout, gates, attention: attentionOf({ rollout, gates, now }) };
    }),
  };
}
