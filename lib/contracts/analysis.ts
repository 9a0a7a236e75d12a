import type { AnalysisMode, GateKind } from "../domain/analysis/definition";
import type { EvaluationRecord } from "../domain/analysis/evaluate";

/**
 * One stored gate evaluation as the page draws it (verdict strip, gate table). In `evaluations`,
 * `query` is null where `queryId` names the text in `queries` (one grouped text is shared by many
 * evaluations and can be large); in `latest` it is the text itself.
 */
export type EvaluationJson = EvaluationRecord<string> & { queryId: string | null };

/** GET /api/rollouts/{id}/analysis: the rollout's analysis as it stands and its recent evaluations. */
export type RolloutAnalysisJson = {
  mode: AnalysisMode;
  intervalSeconds: number;
  /** The gates it runs: its own, or `derived` from its SLO; `unit`: what its values and limits are in (its kind's, as each evaluation stores it). */
  gates: { id: string; kind: GateKind; unit: string; window: string; failureLimit: number; minRequests: number }[];
  derived: boolean;
  /** Each gate's latest evaluation (null before the first). */
  latest: Record<string, EvaluationJson | null>;
  /** Evaluations since `from`, oldest first (at most a few thousand: the strip's data). */
  evaluations: EvaluationJson[];
  /** The query texts those evaluations name by `queryId`, each once. */
  queries: Record<string, string>;
  from: string;
  /** What the loop would do now, recomputed from the stored evaluations (no side effect). */
  decision: { action: "rollback" | "promote" | "none"; enforce: boolean; reason: string; advanceInSeconds: number | null };
  /** The newest evaluation of any gate, however old (null before the first). */
  lastEvaluatedAt: string | null;
  /**
   * True when the rollout is live and analysed but its newest evaluation is older than three
   * intervals (and 10 s): the loop is not running, or not for it. The verdicts shown are stale.
   */
  stale: boolean;
  /**
   * Set while the loop leaves this rollout for a later pass for lack of query budget
   * (AVIARY_ANALYSIS_QUERY_BUDGET): what it wanted, what was left, and the reason in words.
   */
  waitingForBudget: { since: string; at: string; wanted: number; left: number; budget: number; reason: string } | null;
  /** Why analysis rolled this rollout back, when it did. */
  automatedRollback: { at: string; reason: string | null } | null;
};

/** What a demo visitor can do to a canary in the sandbox mesh (POST /api/rollouts/{id}/demo-fault). */
export const DEMO_FAULTS = ["errors", "latency", "heal"] as const;
export type DemoFault = (typeof DEMO_FAULTS)[number];
