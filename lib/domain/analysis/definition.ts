import { z } from "zod";
import { DERIVED_GATE_COUNT } from "./derived-gate-count";
import { ARGUMENT_NAME, BUILT_IN_ARGUMENTS, durationSeconds, malformedPlaceholders, unknownArguments } from "./promql-template";

/**
 * A rollout's `analysis` block: how Aviary judges the canary and what it may do about it.
 *
 * Why these defaults (5 s scrapes, 5 s evaluations; simulated in simulation.test.ts):
 * a gate's verdict weighs its evidence. The error-rate gate fails only when the canary's error
 * count is improbable under the threshold: a one-sided exact binomial test, P(X >= errors | n
 * requests, p = max) < 1 - confidence. With confidence 0.9999 and a 20 s window:
 *  - 1 error in 20 requests against 0.1% has p = 0.02, 2 errors p = 1.9e-4: both pass; it takes
 *    3 (p = 1.1e-6) at 1 request/s, i.e. three failures within 20 s.
 *  - at 10 requests/s, 200 requests, it takes 4 errors against 0.1% (p = 5.5e-5), which a 5%
 *    burst (0.5 errors/s) produces in about 8 s; 15 errors in 300 (a 30 s burst) is a breach even of a 1% limit (p = 5.3e-7).
 * Wilson's score bound was the other candidate; its normal approximation is far too generous when
 * errors are rare (1 error in 30 requests already puts its 99.87% lower bound above 0.1%), so the
 * exact tail is used. Since the test does the debouncing, the error gate acts on the first
 * failure (failureLimit 1); a second consecutive one would add a whole interval (5 s) to every
 * rollback. Latency and split gates compare noisier figures and wait for 3 in a row.
 *
 * Simulated over 2,000 seeds against the 0.1% gate a 99.9% SLO derives: a healthy canary at
 * 1 request/s and 0.1% errors rolled back in 2 of 2,000 30-minute soaks (it runs exactly at the
 * limit; 0 of 2,000 against a 1% gate); a 5% burst at 10 requests/s was caught by the 2nd
 * evaluation holding burst data at the median, the 4th at p95, the 7th at worst: 12.3 s median
 * and 20.8 s p95 from the burst's start when evaluations fall at random moments between scrapes,
 * 10.1 s median when they follow each scrape by 0.5 s. Three errors are the least evidence that
 * keeps the 1 request/s soak clean, and a 5% burst takes a median 5.4 s to produce them, so no
 * threshold test can do much better once scrape and evaluation phases are added.
 * The loop now evaluates just after each scrape (schedule.ts) on whole counts (`counted` in
 * lib/prometheus/sli-queries.ts; increase() would scale 2 errors up to 3): the bench measured
 * 11.3 s median and 15.0 s worst over 12 bursts, and 0 false rollbacks in the 30-minute soak.
 *
 * A burst shows first in the newest scrapes, which a 20 s window dilutes with the healthy ones
 * before: 3 errors among the 50 requests of the last 5 s are as improbable under 0.1% (p = 2e-5)
 * as 4 among 200. So the error gate scans its window's last half and quarter too
 * (errorRateScanWindows), each of the three windows at a third of 1 - confidence (Bonferroni: the
 * evaluation as a whole keeps its confidence), and a short window fails only on at least 3 errors
 * (at 1 request/s its 8 requests would otherwise fail on 2). Simulated (5 s scrapes, evaluation
 * 0.25 s after the scrape, 2,000 bursts, 1,000-2,000 soaks): median 10.0 -> 9.1 s; a canary
 * exactly at its 0.1% limit at 10 requests/s rolled back in 1.0% of half hours instead of 1.2%,
 * at 1 request/s in 0 of 2,000 instead of 0.25%; p95 18.2 -> 20.0 s, since the whole window now
 * needs 5 errors among 200 where it needed 4. The bench measured 10.9 s median, 20.7 s worst.
 *
 * That is the edge of what a significance test at the limit can do: a 5% burst makes 2.5 errors a
 * scrape, and by the 4th scrape (20 s) one burst in 25 has still made fewer than the 5 the whole
 * window needs. So the gate also fails on a burst (evaluate.ts, BURST_MULTIPLE): errors 1,000 times
 * likelier from a canary failing at 30 times its limit than from one at it, on at least 3 errors.
 * At 10 requests/s that is 3 errors in 5 s or 10 s and 4 in 20 s. Simulated (4,000 bursts, 2,000
 * soaks): median 9.1 -> 8.2 s, p95 20.1 -> 16.8 s, a burst past 20 s 5.2% -> 1.9% (so 12 trials
 * meet both goals about 3 times in 4 instead of 2 in 5). The cost falls on canaries at 10
 * requests/s sitting at or near their limit, which a few errors close together now roll back: a
 * canary exactly at its 0.1% limit in 4.7% of half hours (1.3% before), at half its limit 1.2%
 * (0.2%). At 1 request/s none (3 errors are still needed), and at 100 requests/s exactly at the
 * limit no more than before (0.7%): 500 requests a scrape with a few errors look like the limit,
 * not like a burst, which is why the test weighs a burst against the limit rather than lowering
 * the confidence (0.999 would have bought the same speed for 14% of half hours at 100 requests/s).
 */

export const ANALYSIS_MODES = ["off", "observe", "rollback", "auto"] as const;
export type AnalysisMode = (typeof ANALYSIS_MODES)[number];

export const GATE_KINDS = ["errorRate", "latencyP95", "latencyP99", "requestRate", "burnRate", "split", "promql", "judge"] as const;
export type GateKind = (typeof GATE_KINDS)[number];

export const MIN_WINDOW_SECONDS = 10;
export const MAX_WINDOW_SECONDS = 24 * 3600;
export const MAX_GATES = 20;

const int = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be at least ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });

const positive = (what: string) => z.number({ error: `${what} must be a number` }).positive({ error: `${what} must be above 0` });
const nonNegative = (what: string) => z.number({ error: `${what} must be a number` }).min(0, { error: `${what} must not be negative` });

const window = (fallback: string) =>
  z
    .string({ error: "window must be a duration such as 30s or 1m" })
    .refine((text) => durationSeconds(text) !== null, { error: "window must be a PromQL duration such as 30s, 1m or 1h30m" })
    .refine(
      (text) => {
        const seconds = durationSeconds(text) ?? 0;
        return seconds >= MIN_WINDOW_SECONDS && seconds <= MAX_WINDOW_SECONDS;
      },
      { error: `window must be between ${MIN_WINDOW_SECONDS}s and 24h: rate() needs at least two scrapes in it` },
    )
    .default(fallback);

const confidence = (fallback: number) =>
  z
    .number({ error: "confidence must be a number between 0.5 and 0.999999" })
    .min(0.5, { error: "confidence must be at least 0.5" })
    .max(0.999999, { error: "confidence must be at most 0.999999" })
    .default(fallback);

const gateName = z
  .string({ error: "name must be a string" })
  .min(1, { error: "name must not be empty" })
  .max(63, { error: "name must be at most 63 characters" })
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, { error: "name may contain letters, digits, spaces, '_', '.' and '-' only" })
  .optional();

const common = (defaults: { window: string; failureLimit: number; minRequests: number }) => ({
  name: gateName,
  window: window(defaults.window),
  failureLimit: int("failureLimit", 1, 100).default(defaults.failureLimit),
  minRequests: int("minRequests", 0, 10_000_000).default(defaults.minRequests),
});

/** Absolute (`max`, `min`) and stable-relative (`maxIncrease`, `maxRatio`) limits; at least one. */
const limits = (unit: string) => ({
  max: nonNegative(`max (${unit})`).optional(),
  min: nonNegative(`min (${unit})`).optional(),
  maxIncrease: nonNegative(`maxIncrease (${unit})`).optional(),
  maxRatio: positive("maxRatio").optional(),
});

type Limits = { max?: number; min?: number; maxIncrease?: number; maxRatio?: number };
const hasLimit = (gate: Limits) => [gate.max, gate.min, gate.maxIncrease, gate.maxRatio].some((v) => v !== undefined);
const needsLimit = { error: "give at least one limit: max, min, maxIncrease or maxRatio" };

export const GATE_DEFAULTS = {
  errorRate: { window: "20s", failureLimit: 1, minRequests: 8, confidence: 0.9999 },
  // A P95 from a few dozen requests rests on two or three tail samples and Envoy's wide buckets
  // (100 -> 250 -> 500 ms): the 10-minute soak at 1 request/s saw it read 164 ms for a true 95 ms.
  // 100 requests put at least five samples in the tail; below that the gate is inconclusive.
  latency: { window: "1m", failureLimit: 3, minRequests: 100 },
  requestRate: { window: "1m", failureLimit: 3, minRequests: 0 },
  burnRate: { window: "5m", failureLimit: 1, minRequests: 20 },
  split: { window: "1m", failureLimit: 3, minRequests: 100, confidence: 0.999, tolerance: 0.5 },
  promql: { window: "1m", failureLimit: 3, minRequests: 0 },
  judge: { window: "5m", failureLimit: 1, minRequests: 0, confidence: 0.98, tolerance: 0.25, passScore: 95, marginalScore: 75, minSamples: 10 },
} as const;

const errorRateGate = z
  .strictObject({
    kind: z.literal("errorRate"),
    ...common(GATE_DEFAULTS.errorRate),
    ...limits("percent"),
    max: z.number({ error: "max (percent) must be a number" }).min(0).max(100, { error: "max is a percentage: at most 100" }).optional(),
    min: z.undefined({ error: "an error-rate gate takes no min" }).optional(),
    confidence: confidence(GATE_DEFAULTS.errorRate.confidence),
  })
  .refine(hasLimit, needsLimit);

const latencyGate = <K extends "latencyP95" | "latencyP99">(kind: K) =>
  z.strictObject({ kind: z.literal(kind), ...common(GATE_DEFAULTS.latency), ...limits("ms") }).refine(hasLimit, needsLimit);

const requestRateGate = z
  .strictObject({ kind: z.literal("requestRate"), ...common(GATE_DEFAULTS.requestRate), ...limits("requests/s") })
  .refine(hasLimit, needsLimit);

const burnRateGate = z.strictObject({
  kind: z.literal("burnRate"),
  ...common(GATE_DEFAULTS.burnRate),
  availability: z
    .number({ error: "availability must be a number (percent, e.g. 99.9)" })
    .gt(0, { error: "availability must be above 0%" })
    .lt(100, { error: "availability must be below 100%" }),
  /** "page" fails on the fast-burn conditions only; "ticket" also on the slow 3-day one. */
  severity: z.enum(["page", "ticket"], { error: 'severity must be "page" or "ticket"' }).default("page"),
});

const splitGate = z.strictObject({
  kind: z.literal("split"),
  ...common(GATE_DEFAULTS.split),
  tolerance: z.number({ error: "tolerance must be a number of percentage points" }).min(0).max(50).default(GATE_DEFAULTS.split.tolerance),
  confidence: confidence(GATE_DEFAULTS.split.confidence),
});

const argumentsSchema = z
  .record(z.string().regex(ARGUMENT_NAME, { error: "argument names are letters, digits and '_'" }), z.string().max(1024))
  .refine((args) => Object.keys(args).every((name) => !(BUILT_IN_ARGUMENTS as readonly string[]).includes(name)), {
    error: `arguments may not redefine ${BUILT_IN_ARGUMENTS.join(", ")}`,
  })
  .default({});

const template = z.string({ error: "query must be a PromQL template" }).min(1, { error: "query must not be empty" }).max(4096);

function checkTemplate(query: string, args: Record<string, string>, ctx: z.RefinementCtx, path: (string | number)[]) {
  if (malformedPlaceholders(query)) ctx.addIssue({ code: "custom", path, message: "query has a malformed {{placeholder}}" });
  const unknown = unknownArguments(query, Object.keys(args));
  if (unknown.length > 0) {
    ctx.addIssue({
      code: "custom",
      path,
      message: `query refers to unknown argument${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => `{{${n}}}`).join(", ")}`,
    });
  }
}

const promqlGate = z
  .strictObject({
    kind: z.literal("promql"),
    ...common(GATE_DEFAULTS.promql),
    ...limits("query units"),
    /** What the value is, for sentences: "queue depth". */
    label: z.string().min(1).max(63).optional(),
    query: template,
    args: argumentsSchema,
  })
  .refine(hasLimit, needsLimit)
  .superRefine((gate, ctx) => checkTemplate(gate.query, gate.args, ctx, ["query"]));

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

const judgeGate = z
  .strictObject({
    kind: z.literal("judge"),
    ...common(GATE_DEFAULTS.judge),
    args: argumentsSchema,
    metrics: z.array(judgeMetricSchema).min(1, { error: "a judge needs at least one metric" }).max(50),
    tolerance: z.number().min(0).max(10).default(GATE_DEFAULTS.judge.tolerance),
    confidence: confidence(GATE_DEFAULTS.judge.confidence),
    passScore: z.number().min(0).max(100).default(GATE_DEFAULTS.judge.passScore),
    marginalScore: z.number().min(0).max(100).default(GATE_DEFAULTS.judge.marginalScore),
    /** Samples (series points in the window) needed on each side before a metric is judged. */
    minSamples: int("minSamples", 3, 100_000).default(GATE_DEFAULTS.judge.minSamples),
  })
  .superRefine((gate, ctx) => {
    if (gate.marginalScore > gate.passScore) ctx.addIssue({ code: "custom", path: ["marginalScore"], message: "marginalScore must not exceed passScore" });
    gate.metrics.forEach((metric, index) => checkTemplate(metric.query, gate.args, ctx, ["metrics", index, "query"]));
    const names = gate.metrics.map((metric) => metric.name);
    names.forEach((name, index) => {
      if (names.indexOf(name) !== index) ctx.addIssue({ code: "custom", path: ["metrics", index, "name"], message: `metric name "${name}" is used twice` });
    });
  });

export const gateSchema = z.discriminatedUnion("kind", [
  errorRateGate,
  latencyGate("latencyP95"),
  latencyGate("latencyP99"),
  requestRateGate,
  burnRateGate,
  splitGate,
  promqlGate,
  judgeGate,
]);

export type Gate = z.output<typeof gateSchema>;
export type GateInput = z.input<typeof gateSchema>;
export type GateOf<K extends GateKind> = Extract<Gate, { kind: K }>;
export type JudgeMetric = z.output<typeof judgeMetricSchema>;

/** A gate's name in verdicts and history: its own, or its kind. Unique within a rollout. */
/**
 * The shorter windows an error-rate gate scans besides its own: the last half and quarter of it,
 * in whole seconds (20s -> 10s, 5s). A short window shorter than the scrape interval still counts
 * whole scrapes: the counters' growth since the newest sample before its start.
 */
export function errorRateScanWindows(window: string): string[] {
  const seconds = durationSeconds(window) ?? 0;
  const shorter = [Math.round(seconds / 2), Math.round(seconds / 4)].filter((s) => s >= 1 && s < seconds);
  return [...new Set(shorter)].map((s) => `${s}s`);
}

export function gateId(gate: Pick<Gate, "kind" | "name">): string {
  return gate.name ?? gate.kind;
}

export const DEFAULT_INTERVAL_SECONDS = 5;
/**
 * Custom PromQL and judge gates are queried per rollout (a judge twice per metric, as range
 * queries), unlike the built-in gates' grouped queries: evaluating them every 5 s would let one
 * rollout ask Prometheus for hundreds of queries a few seconds apart. Their rollouts are
 * evaluated at most every 10 s, which is also the default interval when they name none.
 */
export const MIN_CUSTOM_INTERVAL_SECONDS = 10;
const hasCustomGate = (gates: readonly { kind: string }[] | undefined) => (gates ?? []).some((gate) => gate.kind === "promql" || gate.kind === "judge");

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
    if (analysis.intervalSeconds !== undefined && analysis.intervalSeconds < MIN_CUSTOM_INTERVAL_SECONDS && hasCustomGate(analysis.gates)) {
      ctx.addIssue({
        code: "custom",
        path: ["intervalSeconds"],
        message: `analysis.intervalSeconds must be at least ${MIN_CUSTOM_INTERVAL_SECONDS}s when a promql or judge gate is present (they are queried per rollout)`,
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
