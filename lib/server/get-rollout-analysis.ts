import { deferralOf } from "../db/analysis-deferrals";
import { latestAnalysisRollback, listEvaluations, newestEvaluationAt, type StoredEvaluation } from "../db/evaluations";
import type { EvaluationJson, RolloutAnalysisJson } from "../contracts/analysis";
import { decideForRollout } from "../domain/analysis/decide";
import { effectiveGates, gateId } from "../domain/analysis/definition";
import { unitOf } from "../domain/analysis/evaluate";
import { deferralReason } from "../domain/analysis/query-budget";
import { staleVerdictsFor } from "../domain/attention";
import type { Deps } from "../composition/deps";
import { heldDecision, holdLoopPromotion } from "./approvals/hold-loop-promotion";
import { getRollout } from "./get-rollout";

/** How far back the verdict strip reaches by default. */
const STRIP_MS = 15 * 60_000;

const json = (e: StoredEvaluation): EvaluationJson => ({
  at: e.at.toISOString(),
  gate: e.gate,
  kind: e.kind,
  verdict: e.verdict,
  value: e.value,
  threshold: e.threshold,
  unit: e.unit,
  reason: e.reason,
  query: e.query,
  queryId: e.queryId ?? null,
  querySeries: e.querySeries,
  window: e.window,
  canaryWeight: e.canaryWeight,
});

/**
 * A pure read of a rollout's analysis for its page: the gates, each one's latest verdict, the
 * recent evaluations, what the loop would decide now and, for a rollout analysis rolled back,
 * why. Null when the rollout has no analysis block (analysis off).
 */
export async function getRolloutAnalysis(deps: Deps, { id, from }: { id: string; from?: Date }): Promise<RolloutAnalysisJson | null> {
  const rollout = await getRollout(deps, { id });
  if (!rollout.analysis) return null;
  const now = deps.now();
  const start = from ?? new Date(Math.min(now.getTime() - STRIP_MS, rollout.stepStartedAt?.getTime() ?? now.getTime()));
  const [evaluations, newest, rollback, deferral] = await Promise.all([
    listEvaluations(deps.db, rollout.id, { from: start, limit: 5_000 }),
    newestEvaluationAt(deps.db, rollout.id),
    latestAnalysisRollback(deps.db, rollout.id),
    deferralOf(deps.db, rollout.id),
  ]);
  // A row older than the newest evaluation is a wait that ended under another leader; a finished rollout waits for nothing.
  const live = rollout.status === "progressing" || rollout.status === "paused";
  const waiting = deferral && live && (!newest || deferral.at > newest) ? deferral : null;
  const gates = effectiveGates(rollout.analysis, rollout.slo);
  const latest = Object.fromEntries(gates.map((gate) => [gateId(gate), null as EvaluationJson | null]));
  for (const e of evaluations) latest[e.gate] = json(e);
  const decided = decideForRollout(rollout, evaluations, now);
  const decision = heldDecision(decided, decided.action === "promote" && decided.enforce ? await holdLoopPromotion(deps, rollout, { run: false }) : null);
  return {
    mode: rollout.analysis.mode,
    intervalSeconds: rollout.analysis.intervalSeconds,
    gates: gates.map((gate) => ({
      id: gateId(gate),
      kind: gate.kind,
      unit: unitOf(gate.kind),
      window: gate.window,
      failureLimit: gate.failureLimit,
      minRequests: gate.minRequests,
    })),
    derived: rollout.analysis.gates === undefined,
    latest,
    evaluations: evaluations.map((e) => ({ ...json(e), query: e.queryId ? null : e.query })),
    queries: Object.fromEntries(evaluations.flatMap((e) => (e.queryId && e.query ? [[e.queryId, e.query] as const] : []))),
    from: start.toISOString(),
    lastEvaluatedAt: newest ? newest.toISOString() : null,
    stale: staleVerdictsFor({ rollout, newestAt: newest, now }) !== null,
    decision: { action: decision.action, enforce: decision.enforce, reason: decision.reason, advanceInSeconds: decision.advanceInSeconds ?? null },
    waitingForBudget: waiting
      ? {
          since: waiting.since.toISOString(),
          at: waiting.at.toISOString(),
          wanted: waiting.wanted,
          left: waiting.left,
          budget: waiting.budget,
          reason: deferralReason(waiting),
        }
      : null,
    automatedRollback: rollback && rollout.status === "rolled_back" ? { at: rollback.at.toISOString(), reason: rollback.reason } : null,
  };
}
