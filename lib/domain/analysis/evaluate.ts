import { gateId } from "./definition";
import { entryOf, GATES, type EvidenceOf, type GateKind, type GateOf } from "./gates";
import type { GateResult, ObservationOf, Verdict } from "./gates/entry";
import { withoutData } from "./gates/verdict-text";

/**
 * One gate, one moment: from the evidence the loop fetched to a verdict and a sentence a person
 * can check, through the gate kind's own evaluator (gates/<kind>.ts). Never pass on no data:
 * Prometheus unreachable, no series, or fewer canary requests than the gate needs all give
 * "inconclusive", which blocks advancing and never rolls back.
 */

export type { Counts, ValueSample, Verdict } from "./gates/entry";
export { formatPercent } from "./gates/verdict-text";
export { BURST_LIKELIHOOD_RATIO, BURST_MULTIPLE, burstLikelihoodRatio, SHORT_WINDOW_MIN_ERRORS } from "./gates/error-rate";
export { burnCapFor, burnWindowRead, burnWithinRollout } from "./gates/burn-rate";

/** What each kind of gate needs from Prometheus, for the gate's window: each kind's file says. */
export type EvidenceByKind = { [K in GateKind]: EvidenceOf<K> };

export type Observation<K extends GateKind = GateKind> = ObservationOf<EvidenceOf<K>>;

export type GateEvaluation = GateResult & { gate: string; kind: GateKind; unit: string };

/** A gate evaluation as kept and shown: `T` is the time's form (Date stored, ISO string in JSON). */
export type EvaluationRecord<T> = {
  at: T;
  gate: string;
  kind: string;
  verdict: Verdict;
  value: number | null;
  threshold: number | null;
  unit: string;
  reason: string;
  /** The PromQL that produced `value`, verbatim as the loop sent it at `at` (judge: every range query sent, one a line). */
  query: string | null;
  /** The labels of this rollout's series in that query's answer, when it answers for more than one; null: its first series. */
  querySeries: Record<string, string> | null;
  window: string;
  canaryWeight: number;
};

/** The unit a kind's values are in ("%", "ms", "req/s", "x", "score", "" for a custom query). */
export const unitOf = (kind: GateKind): string => GATES[kind].unit;

export function evaluateGate<K extends GateKind>(gate: GateOf<K>, observation: Observation<K>): GateEvaluation {
  const entry = entryOf(gate);
  const base = { gate: gateId(gate), kind: gate.kind, unit: entry.unit };
  const missing = withoutData(observation, gate.window);
  if (missing || observation.status !== "ok") return { ...base, ...(missing ?? { verdict: "inconclusive", value: null, threshold: null, reason: "no data" }) };
  return { ...base, ...entry.evaluate(gate, observation.data) };
}
