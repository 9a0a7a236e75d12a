import { randomUUID } from "node:crypto";
import { isAppError } from "../app-error";
import { evaluationsSince, insertEvaluations, type NewEvaluation } from "../db/evaluations";
import { listRollouts } from "../db/rollouts";
import { decideForRollout, type Decision } from "../domain/analysis/decide";
import { effectiveGates, type Gate } from "../domain/analysis/definition";
import { evaluateGate, type GateEvaluation } from "../domain/analysis/evaluate";
import { DEFAULT_QUERY_BUDGET, type Deferral } from "../domain/analysis/query-budget";
import { ANALYSIS_ACTOR } from "../domain/actor";

export { ANALYSIS_ACTOR };
import { type Rollout, workloadsOf } from "../domain/rollout";
import { fetchAnalysisEvidence, shownQuery } from "../prometheus/fetch-analysis-evidence";
import { actOnRollout } from "./act-on-rollout";
import { admitWithinBudget, type PassBudget } from "./admit-within-budget";
import { heldDecision, holdLoopPromotion } from "./approvals/hold-loop-promotion";
import type { Deps } from "../composition/deps";

export type RolloutOutcome = {
  rolloutId: string;
  name: string;
  evaluations: GateEvaluation[];
  decision: Decision;
  /** What the loop did about the decision: acted, found a person had acted first, or only recorded it. */
  acted: "rollback" | "promote" | "superseded" | "failed" | null;
  error?: string;
};

export type IterationResult = {
  evaluated: number;
  outcomes: RolloutOutcome[];
  /** Due rollouts left for a later pass for lack of query budget. */
  deferred?: Deferral[];
};

/** The rollouts analysis looks at: live ones whose analysis is not off. */
export function isAnalysed(rollout: Rollout): boolean {
  return rollout.analysis !== undefined && rollout.analysis.mode !== "off" && (rollout.status === "progressing" || rollout.status === "paused");
}

/**
 * One pass of the analysis loop over the rollouts that are due (`pick` chooses them among the
 * analysed ones; the loop picks those with an interval of fresh data, see schedule.ts): fetch the
 * evidence for every gate of every such rollout (grouped queries), evaluate, store every evaluation, decide from the step's history, and act
 * through the same path as a person (lock, preconditions, audit) as `aviary-analysis`, guarded by
 * the revision the decision was made on, so a person acting in between wins and the decision is
 * dropped rather than repeated.
 */
export async function analyseRollouts(
  deps: Deps,
  {
    pick = (all) => all,
    budget = { queries: DEFAULT_QUERY_BUDGET, deferredSince: new Map() },
  }: { pick?: (analysed: Rollout[], now: Date) => Rollout[] | Promise<Rollout[]>; budget?: PassBudget } = {},
): Promise<IterationResult> {
  const now = deps.now();
  const analysed = (await listRollouts(deps.db, { statuses: ["progressing", "paused"] })).filter(isAnalysed);
  const live = new Set(analysed.map((rollout) => rollout.id));
  for (const id of budget.deferredSince.keys()) if (!live.has(id)) budget.deferredSince.delete(id);
  const due = analysed.length === 0 ? [] : await pick(analysed, now);
  if (due.length === 0) return { evaluated: 0, outcomes: [] };

  const gatesOf = new Map<string, Gate[]>(due.map((r) => [r.id, effectiveGates(r.analysis!, r.slo)]));
  const { admitted: rollouts, deferred } = await admitWithinBudget(deps, { due, gatesOf, budget, now });
  if (rollouts.length === 0) return { evaluated: 0, outcomes: [], deferred };
  const evidence = await fetchAnalysisEvidence(
    deps.prometheus,
    rollouts.map((r) => ({
      targets: workloadsOf(r),
      gates: gatesOf.get(r.id)!,
      setWeight: r.canaryWeight,
      createdAt: r.createdAt,
    })),
    { time: now },
  );

  const rows: NewEvaluation[] = [];
  const evaluated = rollouts.map((rollout, index) => {
    const gates = gatesOf.get(rollout.id)!;
    // Each evidence carries its gate (fetchAnalysisEvidence keeps them in the gates' order).
    const evaluations = evidence[index]!.map((found) => {
      const { gate } = found;
      const evaluation = evaluateGate(gate, found.observation);
      deps.metrics.evaluation({ kind: gate.kind, verdict: evaluation.verdict });
      const shown = shownQuery(found, evaluation);
      rows.push({
        rolloutId: rollout.id,
        at: now,
        evaluation,
        query: shown?.text ?? null,
        querySeries: shown?.series ?? null,
        window: evaluation.window ?? gate.window,
        step: rollout.currentStep,
        canaryWeight: rollout.canaryWeight,
        evidence: found.observation.status === "ok" ? found.observation.data : found.observation,
      });
      return evaluation;
    });
    return { rollout, gates, evaluations };
  });
  await insertEvaluations(deps.db, rows);

  // The step's history (for auto-advance) and the latest evaluations (for failure limits).
  const since = new Map(
    evaluated.map(({ rollout, gates }) => {
      const longest = Math.max(...gates.map((g) => g.failureLimit)) * (rollout.analysis!.intervalSeconds + 5) * 1000 * 3;
      const stepStart = rollout.stepStartedAt?.getTime() ?? now.getTime();
      return [rollout.id, new Date(Math.min(stepStart, now.getTime() - longest))] as const;
    }),
  );
  const history = await evaluationsSince(deps.db, since);

  const outcomes: RolloutOutcome[] = [];
  for (const { rollout, evaluations } of evaluated) {
    const decided = decideForRollout(rollout, history.get(rollout.id) ?? [], now);
    // Freeze windows and approvals hold a promotion (never a rollback); the decision then says why.
    const hold = decided.action === "promote" && decided.enforce ? await holdLoopPromotion(deps, rollout, { run: true }).catch((e: Error) => e.message) : null;
    const decision = heldDecision(decided, hold);
    outcomes.push({ rolloutId: rollout.id, name: rollout.name, evaluations, decision, ...(await carryOut(deps, rollout, decision)) });
  }
  return { evaluated: rollouts.length, outcomes, deferred };
}

async function carryOut(deps: Deps, rollout: Rollout, decision: Decision): Promise<Pick<RolloutOutcome, "acted" | "error">> {
  if (!decision.enforce || decision.action === "none") return { acted: null };
  const action = decision.action;
  const result = await attempt(deps, rollout, action, decision.reason);
  deps.metrics.analysisAction({ action, result: result.acted === action ? "done" : result.acted === "superseded" ? "superseded" : "failed" });
  return result;
}

async function attempt(deps: Deps, rollout: Rollout, action: "rollback" | "promote", reason: string): Promise<Pick<RolloutOutcome, "acted" | "error">> {
  try {
    await actOnRollout(deps, {
      id: rollout.id,
      input: { action, reason: reason.slice(0, 1000), expectedRevision: rollout.revision },
      context: { actor: ANALYSIS_ACTOR, requestId: `analysis-${randomUUID()}`, clientAddress: null },
    });
    return { acted: action };
  } catch (error) {
    // A person (or another decision) changed the rollout since it was evaluated: theirs stands.
    if (isAppError(error) && (error.code === "CONFLICT" || error.code === "INVALID_STATE")) return { acted: "superseded", error: error.message };
    return { acted: "failed", error: (error as Error).message };
  }
}
