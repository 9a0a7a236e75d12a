import { z } from "zod";
import type { GateKindEntry, GateResult } from "./entry";
import { argumentsSchema, checkTemplate, common, template } from "./schema-parts";
import { formatWindow } from "./verdict-text";

/**
 * A success-rate gate: the canary's share of good requests from a query of the team's own (their
 * metric names, their idea of "good"), held to a minimum in percent. Flagger's built-in
 * `request-success-rate` (thresholdRange.min: 99) and Argo Rollouts' success-rate
 * AnalysisTemplate (`successCondition: result[0] >= 0.95`) are the models: the template gives a
 * ratio, as Argo's does; the loop sends `100 * (template)`, so the stored and shown query returns
 * the percentage the page shows. Queried per rollout like any template. No data, a ratio outside
 * [0, 1] (a template that already multiplies by 100, or divides the wrong way) and 0/0 are
 * inconclusive: never a pass.
 */
const DEFAULTS = { window: "1m", failureLimit: 3, minRequests: 0 };

const schema = z
  .strictObject({
    kind: z.literal("successRate"),
    ...common(DEFAULTS),
    // Aviary cannot count the requests of a query it did not write: the template decides which count.
    minRequests: z.literal(0, { error: "a successRate gate takes no minRequests: make its query return nothing when too few requests were served" }).default(0),
    min: z
      .number({ error: "min (percent) must be a number, e.g. 99 for 99% good requests" })
      .min(0, { error: "min (percent) must not be negative" })
      .max(100, { error: "min is a percentage: at most 100" }),
    query: template,
    args: argumentsSchema,
  })
  .superRefine((gate, ctx) => checkTemplate(gate.query, gate.args, ctx, ["query"]));

export type SuccessRateGate = z.output<typeof schema>;
/** The canary's share of good requests in percent: the value of `100 * (template)`. */
export type SuccessRateEvidence = { canaryPercent: number };

/** Enough digits that a value just under a 99.9% minimum does not read as 99.9%. */
const percent = (value: number) => `${Number(value.toFixed(3))}%`;

function evaluateSuccessRate(gate: SuccessRateGate, { canaryPercent: value }: SuccessRateEvidence): GateResult {
  const over = formatWindow(gate.window);
  if (!Number.isFinite(value)) {
    return { verdict: "inconclusive", value: null, threshold: gate.min, reason: `no canary success rate in the last ${over}` };
  }
  // Float noise of a ratio of sums may put 100% a hair above 100.
  if (value < 0 || value > 100 + 1e-9) {
    return {
      verdict: "inconclusive",
      value,
      threshold: gate.min,
      reason: `canary success rate ${percent(value)} is not a share of requests: the query must give a ratio between 0 and 1`,
    };
  }
  if (value < gate.min)
    return { verdict: "fail", value, threshold: gate.min, reason: `canary success rate ${percent(value)} < ${percent(gate.min)} in ${over}` };
  return { verdict: "pass", value, threshold: gate.min, reason: `canary success rate ${percent(value)} >= ${percent(gate.min)} in ${over}` };
}

export const successRateGate = {
  schema,
  unit: "%",
  perRollout: "a successRate gate",
  // Sent for this rollout alone, for the canary only.
  cost: () => ({ custom: 1 }),
  evaluate: evaluateSuccessRate,
} satisfies GateKindEntry<"successRate", SuccessRateGate, SuccessRateEvidence>;
