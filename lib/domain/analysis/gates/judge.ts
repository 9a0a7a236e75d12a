import { z } from "zod";
import { judge, type Samples } from "../judge";
import type { GateKindEntry, GateResult, Verdict } from "./entry";
import { CUSTOM_QUERY_KINDS } from "./promql";
import { argumentsSchema, checkTemplate, common, confidence, int, template } from "./schema-parts";

/** A Kayenta-style judge: each metric's canary and stable series over the window, compared and scored (../judge.ts). */
const DEFAULTS = { window: "5m", failureLimit: 1, minRequests: 0, confidence: 0.98, tolerance: 0.25, passScore: 95, marginalScore: 75, minSamples: 10 };

export const judgeMetricSchema = z.strictObject({
  name: z.string().min(1).max(63),
  query: template,
  /** Which way is bad: latency and errors "increase", throughput "decrease". */
  direction: z.enum(["increase", "decrease", "either"]).default("increase"),
  /** A critical metric that is not Pass fails the whole judgement (Kayenta's criticality). */
  critical: z.boolean().default(false),
  weight: z.number().positive().max(1000).default(1),
  unit: z.string().max(16).optional(),
  /** Overrides the judge's tolerance for this metric. */
  tolerance: z.number().min(0).max(10).optional(),
});

export type JudgeMetric = z.output<typeof judgeMetricSchema>;

const schema = z
  .strictObject({
    kind: z.literal("judge"),
    ...common(DEFAULTS),
    args: argumentsSchema,
    metrics: z.array(judgeMetricSchema).min(1, { error: "a judge needs at least one metric" }).max(50),
    tolerance: z.number().min(0).max(10).default(DEFAULTS.tolerance),
    confidence: confidence(DEFAULTS.confidence),
    passScore: z.number().min(0).max(100).default(DEFAULTS.passScore),
    marginalScore: z.number().min(0).max(100).default(DEFAULTS.marginalScore),
    /** Samples (series points in the window) needed on each side before a metric is judged. */
    minSamples: int("minSamples", 3, 100_000).default(DEFAULTS.minSamples),
  })
  .superRefine((gate, ctx) => {
    if (gate.marginalScore > gate.passScore) ctx.addIssue({ code: "custom", path: ["marginalScore"], message: "marginalScore must not exceed passScore" });
    gate.metrics.forEach((metric, index) => checkTemplate(metric.query, gate.args, ctx, ["metrics", index, "query"]));
    const names = gate.metrics.map((metric) => metric.name);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) ctx.addIssue({ code: "custom", path: ["metrics", index, "name"], message: `metric name "${name}" is used twice` });
    });
  });

export type JudgeGate = z.output<typeof schema>;
/** Series points over the window, per judge metric name. */
export type JudgeEvidence = { metrics: Record<string, Samples> };

function evaluateJudge(gate: JudgeGate, data: JudgeEvidence): GateResult {
  const result = judge(gate.metrics, data.metrics, gate);
  const verdict: Verdict = result.classification === "Pass" ? "pass" : result.classification === "Fail" ? "fail" : "inconclusive";
  const worst =
    result.metrics.find((m) => m.name === result.criticalFailure) ?? result.metrics.find((m) => m.classification === "High" || m.classification === "Low");
  return { verdict, value: result.score, threshold: gate.passScore, judge: result, reason: `${result.reason}${worst ? `; ${worst.sentence}` : ""}` };
}

export const judgeGate = {
  schema,
  unit: "score",
  perRollout: CUSTOM_QUERY_KINDS,
  // Two range queries per metric (canary, stable), sent for this rollout alone.
  cost: (gate) => ({ custom: 2 * gate.metrics.length }),
  evaluate: evaluateJudge,
} satisfies GateKindEntry<"judge", JudgeGate, JudgeEvidence>;
