import type { z } from "zod";
import { burnRateGate } from "./burn-rate";
import type { GateKindEntry } from "./entry";
import { errorRateGate } from "./error-rate";
import { judgeGate } from "./judge";
import { latencyP95Gate, latencyP99Gate } from "./latency";
import { promqlGate } from "./promql";
import { requestRateGate } from "./request-rate";
import { splitGate } from "./split";
import { successRateGate } from "./success-rate";

/**
 * Every gate kind, one line each: adding a kind is its file here, one line below, and one line in
 * lib/prometheus/gates (its queries), whose registry is typed by GateKind, so forgetting that line
 * does not compile. The order is the order of the kinds' parts in a window's grouped query.
 */
const ENTRIES = {
  errorRate: errorRateGate,
  latencyP95: latencyP95Gate,
  latencyP99: latencyP99Gate,
  requestRate: requestRateGate,
  burnRate: burnRateGate,
  split: splitGate,
  promql: promqlGate,
  judge: judgeGate,
  successRate: successRateGate,
};

export type GateKind = keyof typeof ENTRIES;
export type GateOf<K extends GateKind> = z.output<(typeof ENTRIES)[K]["schema"]>;
export type GateInputOf<K extends GateKind> = z.input<(typeof ENTRIES)[K]["schema"]>;
/** The evidence a kind's evaluator reads: what lib/prometheus/gates must fetch for it. */
export type EvidenceOf<K extends GateKind> = Parameters<(typeof ENTRIES)[K]["evaluate"]>[1];

/**
 * The registry as a mapped type: indexed by a generic kind, an entry's gate and evidence types
 * stay tied to that kind (no cast between a gate and its evidence), and an entry whose schema's
 * `kind` is not its key fails here.
 */
export const GATES: { readonly [K in GateKind]: GateKindEntry<K, GateOf<K>, EvidenceOf<K>> } = ENTRIES;

/**
 * A gate's entry, typed by the gate's own kind. `kind` is the literal of the registry key (checked
 * below), so the one cast here is the fact the compiler cannot see through a generic.
 */
export function entryOf<K extends GateKind>(gate: GateOf<K>): GateKindEntry<K, GateOf<K>, EvidenceOf<K>> {
  return GATES[gate.kind as K];
}

/** Fails to compile when an entry's schema says another `kind` than the key it is registered under. */
type KindsMatch = { [K in GateKind]: GateOf<K> extends { kind: K } ? true : false }[GateKind];
const kindsMatch: KindsMatch extends true ? true : never = true;
void kindsMatch;

export const GATE_KINDS = Object.keys(GATES) as GateKind[];
