import type { GateKind, GateOf } from "../../domain/analysis/definition";
import { burnRateQueries } from "./burn-rate";
import type { Found, GateQueries } from "./entry";
import { errorRateQueries } from "./error-rate";
import { judgeQueries } from "./judge";
import { latencyP95Queries, latencyP99Queries } from "./latency";
import { promqlQueries } from "./promql";
import { requestRateQueries } from "./request-rate";
import { splitQueries } from "./split";
import { successRateQueries } from "./success-rate";

/**
 * Each gate kind's queries, one line each, typed by the domain's registry (lib/domain/analysis/gates):
 * a kind there without a line here, or whose queries fetch evidence other than what its evaluator
 * reads, does not compile. The order is the order of the kinds' parts in a window's grouped query.
 */
export const GATE_QUERIES: { readonly [K in GateKind]: GateQueries<K> } = {
  errorRate: errorRateQueries,
  latencyP95: latencyP95Queries,
  latencyP99: latencyP99Queries,
  requestRate: requestRateQueries,
  burnRate: burnRateQueries,
  split: splitQueries,
  promql: promqlQueries,
  judge: judgeQueries,
  successRate: successRateQueries,
};

/** A gate's queries, typed by its own kind (its `kind` is its registry key; the domain registry checks it). */
export function queriesOf<K extends GateKind>(gate: GateOf<K>): GateQueries<K> {
  return GATE_QUERIES[gate.kind as K];
}

/** A gate with its evidence, the two tied by kind: what evaluateGate takes. */
export type GateEvidenceOf<K extends GateKind> = { [P in GateKind]: Found<P> & { gate: GateOf<P> } }[K];
export type GateEvidence = GateEvidenceOf<GateKind>;
