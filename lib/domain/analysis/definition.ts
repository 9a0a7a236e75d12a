import { z } from "zod";
import { DERIVED_GATE_COUNT } from "./derived-gate-count";
import { int } from "./gates/schema-parts";
import { GATE_KINDS, GATES, type GateInputOf, type GateKind, type GateOf } from "./gates";

/**
 * A rollout's `analysis` block: how Aviary judges the canary and what it may do about it. Each
 * gate kind is a file in gates/ (its schema, defaults, unit, cost and evaluator; why the error
 * gate's defaults are what they are is in gates/error-rate.ts), listed once in gates/index.ts.
 */

export { GATE_KINDS, type GateKind, type GateOf };
export { MAX_WINDOW_SECONDS, MIN_WINDOW_SECONDS } from "./gates/schema-parts";
export { errorRateScanWindows } from "./gates/error-rate";
export { judgeMetricSchema, type JudgeMetric } from "./gates/judge";

export const ANALYSIS_MODES = ["off", "observe", "rollback", "auto"] as const;
export type AnalysisMode = (typeof ANALYSIS_MODES)[number];

export const MAX_GATES = 20;

export type Gate = GateOf<GateKind>;
export type GateInput = GateInputOf<GateKind>;

/**
 * One schema per kind, told apart by `kind`. zod's discriminatedUnion wants a literal tuple of
 * object schemas, which a list built from the registry cannot be typed as; the kinds' own types
 * (Gate, GateInput) are what the registry says, so the union is typed by them.
 */
export const gateSchema = z.discriminatedUnion(
  "kind",
  GATE_KINDS.map((kind) => GATES[kind].schema) as unknown as [z.ZodObject, ...z.ZodObject[]],
) as unknown as z.ZodType<Gate, GateInput>;

/** A gate's name in verdicts and history: its own, or its kind. Unique within a rollout. */
export function gateId(gate: Pick<Gate, "kind" | "name">): string {
  return gate.name ?? gate.kind;
}

export const DEFAULT_INTERVAL_SECONDS = 5;
/**
 * Gates on templates (their entries set `perRollout`: promql, judge, successRate) are queried per
 * rollout (a judge twice per metric, as range queries), unlike the built-in gates' grouped
 * queries: evaluating them every 5 s would let one rollout ask Prometheus for hundreds of queries
 * a few seconds apart. Their rollouts are
 * evaluated at most every 10 s, which is also the default interval when they name none.
 */
export const MIN_CUSTOM_INTERVAL_SECONDS = 10;
/** How the interval rule names the first kind present that is queried per rollout; null when none is. */
const perRolloutKind = (gates: readonly Gate[] | undefined) =>
  (gates ?? []).map((gate) => GATES[gate.kind].perRollout).find((named) => named !== undefined) ?? null;
const hasCustomGate = (gates: readonly Gate[] | undefined) => perRolloutKind(gates) !== null;

export const analysisSchema = z
  .strictObject({
    mode: z.enum(ANALYSIS_MODES, { error: `mode must be one of ${ANALYSIS_MODES.join(", ")}` }),
    intervalSeconds: int("intervalSeconds", 1, 300).optional(),
    gates: z.array(gateSchema).min(1, { error: "gates, when given, needs at least one gate" }).max(MAX_GATES).optional(),
  })
  .superRefine((analysis, ctx) => {
    const ids = (analysis.gates ?? []).map(gateId);
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) {
        ctx.addIssue({ code: "custom", path: ["gates", index, "name"], message: `two gates are called "${id}": give each a distinct name` });
      }
    });
    const perRollout = perRolloutKind(analysis.gates);
    if (analysis.intervalSeconds !== undefined && analysis.intervalSeconds < MIN_CUSTOM_INTERVAL_SECONDS && perRollout !== null) {
      ctx.addIssue({
        code: "custom",
        path: ["intervalSeconds"],
        message: `analysis.intervalSeconds must be at least ${MIN_CUSTOM_INTERVAL_SECONDS}s when ${perRollout} is present (they are queried per rollout)`,
      });
    }
  })
  .transform(({ intervalSeconds, ...analysis }) => ({
    ...analysis,
    intervalSeconds: intervalSeconds ?? (hasCustomGate(analysis.gates) ? MIN_CUSTOM_INTERVAL_SECONDS : DEFAULT_INTERVAL_SECONDS),
  }));

export type Analysis = z.output<typeof analysisSchema>;
export type AnalysisInput = z.input<typeof analysisSchema>;

export type Slo = { availability: number; latencyP95Ms: number };

/** 100 - 99.9 is 0.0999999999999943 in floating point; the gate should say 0.1. */
const roundPercent = (value: number) => Math.round(value * 1e9) / 1e9;

/**
 * The gates a rollout gets when it names none: its SLO, read as canary gates. The error rate is
 * held to the budget (100 - availability), P95 to the objective, and the canary's multiwindow
 * burn rate must not page. So `{"mode": "rollback"}` alone is useful.
 */
export function deriveGates(slo: Slo): Gate[] {
  const inputs: GateInput[] = [
    { kind: "errorRate", max: roundPercent(100 - slo.availability) },
    { kind: "latencyP95", max: slo.latencyP95Ms },
    { kind: "burnRate", availability: slo.availability },
  ];
  const gates = inputs.map((input) => gateSchema.parse(input));
  if (gates.length !== DERIVED_GATE_COUNT) throw new Error(`deriveGates made ${gates.length} gates; DERIVED_GATE_COUNT says ${DERIVED_GATE_COUNT}`);
  return gates;
}

/** The gates analysis actually runs: the rollout's own, or those derived from its SLO. */
export function effectiveGates(analysis: Pick<Analysis, "gates">, slo: Slo): Gate[] {
  return analysis.gates ?? deriveGates(slo);
}
