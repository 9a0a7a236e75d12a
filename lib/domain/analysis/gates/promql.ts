import { z } from "zod";
import type { GateKindEntry } from "./entry";
import { argumentsSchema, checkTemplate, common, hasLimit, limits, needsLimit, template, usesTarget } from "./schema-parts";
import { evaluateValue, type ValueEvidence } from "./verdict-text";

/** A custom PromQL gate: a template's value (for the canary, and stable when it names {{target}}) against limits. */
const DEFAULTS = { window: "1m", failureLimit: 3, minRequests: 0 };

const schema = z
  .strictObject({
    kind: z.literal("promql"),
    ...common(DEFAULTS),
    ...limits("query units"),
    /** What the value is, for sentences: "queue depth". */
    label: z.string().min(1).max(63).optional(),
    query: template,
    args: argumentsSchema,
  })
  .refine(hasLimit, needsLimit)
  .superRefine((gate, ctx) => checkTemplate(gate.query, gate.args, ctx, ["query"]));

export type PromqlGate = z.output<typeof schema>;
export type PromqlEvidence = ValueEvidence;

/** How the interval rule names the custom-query kinds (promql and judge share the sentence). */
export const CUSTOM_QUERY_KINDS = "a promql or judge gate";

export const promqlGate = {
  schema,
  unit: "",
  perRollout: CUSTOM_QUERY_KINDS,
  // Sent for this rollout alone: once for the canary, again for stable when it measures {{target}}.
  cost: (gate) => ({ custom: usesTarget(gate.query) ? 2 : 1 }),
  evaluate: (gate, data) => evaluateValue(gate, data, { label: gate.label ?? gate.name ?? "query value", unit: "" }),
} satisfies GateKindEntry<"promql", PromqlGate, PromqlEvidence>;
