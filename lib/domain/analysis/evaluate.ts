import { BURN_WINDOWS, burnRates, multiwindowVerdict, type BurnWindow, type ConditionResult, type WindowValues } from "../slo";
import { gateId, type Gate, type GateKind, type GateOf } from "./definition";
import { judge, type JudgeResult, type Samples } from "./judge";
import { durationSeconds } from "./promql-template";
import { binomialLowerTail, binomialUpperTail } from "./stats";

/**
 * One gate, one moment: from the evidence the loop fetched to a verdict and a sentence a person
 * can check. Never pass on no data: Prometheus unreachable, no series, or fewer canary requests
 * than the gate needs all give "inconclusive", which blocks advancing and never rolls back.
 */

export type Verdict = "pass" | "fail" | "inconclusive";

export type Counts = { requests: number; errors: number };
export type ValueSample = { value: number | null; requests?: number };

/** What each kind of gate needs from Prometheus, for the gate's window. */
export type EvidenceByKind = {
  /**
   * `recent`: the canary's counts over the shorter windows of errorRateScanWindows (the last half
   * and quarter of the gate's window), when the loop fetched them.
   */
  errorRate: { canary: Counts; stable?: Counts; recent?: readonly { window: string; canary: Counts }[] };
  latencyP95: { canary: ValueSample; stable?: ValueSample };
  latencyP99: { canary: ValueSample; stable?: ValueSample };
  /** value in requests per second. */
  requestRate: { canary: ValueSample; stable?: ValueSample };
  /**
   * The canary's error ratio per burn window, its requests over the gate's window, and how long
   * ago its rollout was created (seconds; windows longer than that hold other rollouts' traffic);
   * `conditionBurnRates`: each multiwindow condition's figure, by condition name, as Prometheus computed it.
   */
  burnRate: {
    canaryErrorRatio: WindowValues;
    canaryRequests: number;
    rolloutAgeSeconds?: number;
    conditionBurnRates?: Readonly<Record<string, number | null>>;
  };
  /** Requests each side served in the window, and the canary weight Aviary set (percent). */
  split: { setWeight: number; canaryRequests: number; stableRequests: number };
  promql: { canary: ValueSample; stable?: ValueSample };
  /** Series points over the window, per judge metric name. */
  judge: { metrics: Record<string, Samples> };
};

export type Observation<K extends GateKind = GateKind> =
  { status: "unreachable"; message?: string } | { status: "no_data" } | { status: "ok"; data: EvidenceByKind[K] };

export type GateEvaluation = {
  gate: string;
  kind: GateKind;
  verdict: Verdict;
  value: number | null;
  threshold: number | null;
  unit: string;
  reason: string;
  /** The one-sided p-value behind a count-based verdict. */
  pValue?: number;
  /** The window that decided, when shorter than the gate's (an error gate's scan of its newest scrapes). */
  window?: string;
  /** The burn-rate condition whose figure is the value (the one that fired, else the fastest). */
  condition?: string;
  judge?: JudgeResult;
};

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

const UNITS: Record<GateKind, string> = {
  errorRate: "%",
  latencyP95: "ms",
  latencyP99: "ms",
  requestRate: "req/s",
  burnRate: "x",
  split: "%",
  promql: "",
  judge: "score",
};

export function formatPercent(percent: number): string {
  return percent >= 1 ? `${percent.toFixed(1)}%` : `${Number(percent.toPrecision(2))}%`;
}

function formatProbability(p: number): string {
  return p < 0.001 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}

function formatP(p: number): string {
  return `p = ${formatProbability(p)}`;
}

function formatWindow(window: string): string {
  const seconds = durationSeconds(window) ?? 0;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function formatAge(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Number((seconds / 3600).toFixed(1))} h`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

type Result = Omit<GateEvaluation, "gate" | "kind" | "unit">;

function withoutData(observation: Observation, window: string): Result | null {
  if (observation.status === "unreachable") {
    return {
      verdict: "inconclusive",
      value: null,
      threshold: null,
      reason: `Prometheus unreachable${observation.message ? ` (${observation.message})` : ""}: no verdict`,
    };
  }
  if (observation.status === "no_data")
    return { verdict: "inconclusive", value: null, threshold: null, reason: `no canary data in the last ${formatWindow(window)}` };
  return null;
}

function tooFew(served: number, needed: number, window: string): Result | null {
  if (served >= needed) return null;
  return {
    verdict: "inconclusive",
    value: null,
    threshold: null,
    reason: `canary served ${served} of the ${needed} requests needed in ${formatWindow(window)}`,
  };
}

type Limits = { max?: number; min?: number; maxIncrease?: number; maxRatio?: number };

/** The tightest upper limit the gate sets, given stable's value; null when none applies. */
function upperLimit(limits: Limits, stable: number | null): number | null {
  const candidates = [limits.max];
  if (stable !== null) {
    if (limits.maxIncrease !== undefined) candidates.push(stable + limits.maxIncrease);
    if (limits.maxRatio !== undefined) candidates.push(stable * limits.maxRatio);
  }
  const defined = candidates.filter((v): v is number => v !== undefined);
  return defined.length === 0 ? null : Math.min(...defined);
}

const needsStable = (limits: Limits) => limits.max === undefined && limits.min === undefined;

/** A short window fails only on at least this many errors (see errorRateScanWindows), and so does the burst test. */
export const SHORT_WINDOW_MIN_ERRORS = 3;

/**
 * The error gate's second test, for bursts: it fails when the window's errors are this many times
 * likelier from a canary failing at BURST_MULTIPLE times its limit than from one at the limit
 * (a likelihood ratio, as in Wald's sequential test), on at least SHORT_WINDOW_MIN_ERRORS errors.
 * At 10 requests/s and a 0.1% limit that is 3 errors in the last 5 s or 10 s, or 4 in 20 s, where
 * the significance test wants 3, 4 and 5; at 1 request/s still 3; at 100 requests/s it wants more
 * errors than the significance test does, since 500 requests a scrape with a few errors look like
 * the limit, not like a burst. See definition.ts for what it buys and costs.
 */
export const BURST_MULTIPLE = 30;
export const BURST_LIKELIHOOD_RATIO = 1000;

/** How much likelier `counts` are at BURST_MULTIPLE x `limit` than at `limit`; null when the test does not apply. */
export function burstLikelihoodRatio(counts: Counts, limit: number): number | null {
  const burst = Math.min(0.5, BURST_MULTIPLE * limit);
  if (!(limit > 0) || burst <= limit || counts.errors < SHORT_WINDOW_MIN_ERRORS || counts.errors > counts.requests) return null;
  const log = counts.errors * Math.log(burst / limit) + (counts.requests - counts.errors) * Math.log((1 - burst) / (1 - limit));
  return Math.exp(log);
}

function formatRatio(ratio: number): string {
  return ratio >= 1e6 ? ratio.toExponential(1) : Math.round(ratio).toLocaleString("en-US");
}

function evaluateErrorRate(gate: GateOf<"errorRate">, { canary, stable, recent = [] }: EvidenceByKind["errorRate"]): Result {
  const few = tooFew(canary.requests, Math.max(1, gate.minRequests), gate.window);
  if (few) return few;
  const stableShare = stable && stable.requests > 0 ? stable.errors / stable.requests : null;
  if (stableShare === null && needsStable(gate)) {
    return { verdict: "inconclusive", value: null, threshold: null, reason: "stable served no requests to compare the canary with" };
  }
  // maxRatio against a stable with no errors at all would make any canary error a breach: stable
  // gets one pseudo-error (add-one), which vanishes as its traffic grows.
  const stableForRatio = stable && stable.requests > 0 ? (stable.errors + 1) / (stable.requests + 1) : null;
  const limitShare = Math.min(
    ...[
      gate.max !== undefined ? gate.max / 100 : Infinity,
      stableShare !== null && gate.maxIncrease !== undefined ? stableShare + gate.maxIncrease / 100 : Infinity,
      stableForRatio !== null && gate.maxRatio !== undefined ? stableForRatio * gate.maxRatio : Infinity,
    ],
  );
  const threshold = Math.min(1, limitShare);
  // Every window looked at spends an equal share of 1 - confidence (Bonferroni), so the evaluation
  // as a whole still errs at most that often on a canary at its limit.
  const alpha = (1 - gate.confidence) / (1 + recent.length);
  const test = (counts: Counts) => ({
    share: counts.errors / counts.requests,
    pValue: binomialUpperTail(counts.errors, counts.requests, threshold),
    burstRatio: burstLikelihoodRatio(counts, threshold),
  });
  const full = test(canary);
  const limit = formatPercent(threshold * 100);
  const vsStable = stableShare !== null ? ` (${formatPercent(stableShare * 100)} stable)` : "";
  const evidence = (counts: Counts, window: string) => `${plural(counts.errors, "error")} in ${counts.requests} requests in ${formatWindow(window)}`;
  const windows = [
    { window: gate.window, counts: canary, short: false, ...full },
    ...recent
      .filter(({ canary: counts }) => counts.requests >= Math.max(1, gate.minRequests))
      .map(({ window, canary: counts }) => ({ window, counts, short: true, ...test(counts) })),
  ];
  const significant = windows.find(
    ({ share, pValue, counts, short }) => share > threshold && pValue < alpha && (!short || counts.errors >= SHORT_WINDOW_MIN_ERRORS),
  );
  const burst = significant ? undefined : windows.find(({ burstRatio }) => burstRatio !== null && burstRatio >= BURST_LIKELIHOOD_RATIO);
  const breach = significant ?? burst;
  if (breach) {
    const value = breach.share * 100;
    const where = breach.window === gate.window ? "" : ` (the last ${formatWindow(breach.window)} of the ${formatWindow(gate.window)} window)`;
    const why = significant
      ? ` (${formatP(breach.pValue)})`
      : `: ${formatRatio(breach.burstRatio ?? 0)} times likelier at ${formatPercent(Math.min(0.5, BURST_MULTIPLE * threshold) * 100)} (a ${BURST_MULTIPLE}x burst) than at ${limit}`;
    return {
      verdict: "fail",
      value,
      threshold: threshold * 100,
      pValue: breach.pValue,
      ...(breach.window === gate.window ? {} : { window: breach.window }),
      reason: `canary error rate ${formatPercent(value)}${where} > ${limit}${vsStable}, ${evidence(breach.counts, breach.window)}${why}`,
    };
  }
  const value = full.share * 100;
  const head = `canary error rate ${formatPercent(value)}`;
  if (full.share > threshold) {
    return {
      verdict: "pass",
      value,
      threshold: threshold * 100,
      pValue: full.pValue,
      reason: `${head} is above ${limit}${vsStable} but ${evidence(canary, gate.window)} is within chance (${formatP(full.pValue)}, needs < ${formatProbability(alpha)})`,
    };
  }
  return {
    verdict: "pass",
    value,
    threshold: threshold * 100,
    pValue: full.pValue,
    reason: `${head} <= ${limit}${vsStable}, ${evidence(canary, gate.window)}`,
  };
}

const VALUE_LABEL: Partial<Record<GateKind, string>> = { latencyP95: "p95 latency", latencyP99: "p99 latency", requestRate: "request rate" };

function formatValue(value: number, unit: string): string {
  const rounded = Math.abs(value) >= 100 ? Math.round(value).toString() : Number(value.toPrecision(3)).toString();
  return unit ? `${rounded} ${unit}` : rounded;
}

/** Latency, request rate and custom queries: a value against limits, debounced by failureLimit. */
function evaluateValue(gate: GateOf<"latencyP95" | "latencyP99" | "requestRate" | "promql">, data: EvidenceByKind["latencyP95"]): Result {
  const requests = data.canary.requests;
  if (requests !== undefined) {
    const few = tooFew(requests, gate.minRequests, gate.window);
    if (few) return few;
  }
  const label = gate.kind === "promql" ? (gate.label ?? gate.name ?? "query value") : (VALUE_LABEL[gate.kind] ?? gate.kind);
  const unit = UNITS[gate.kind];
  const value = data.canary.value;
  if (value === null || !Number.isFinite(value)) {
    return { verdict: "inconclusive", value: null, threshold: null, reason: `no canary ${label} in the last ${formatWindow(gate.window)}` };
  }
  const stable = data.stable?.value ?? null;
  const stableKnown = stable !== null && Number.isFinite(stable) ? stable : null;
  if (stableKnown === null && needsStable(gate)) {
    return { verdict: "inconclusive", value, threshold: null, reason: `no stable ${label} to compare the canary with` };
  }
  const upper = upperLimit(gate, stableKnown);
  const vsStable = stableKnown !== null ? ` (${formatValue(stableKnown, unit)} stable)` : "";
  const tail = `${requests !== undefined ? `, ${requests} requests` : ""} in ${formatWindow(gate.window)}`;
  const head = `canary ${label} ${formatValue(value, unit)}`;
  if (upper !== null && value > upper) return { verdict: "fail", value, threshold: upper, reason: `${head} > ${formatValue(upper, unit)}${vsStable}${tail}` };
  if (gate.min !== undefined && value < gate.min)
    return { verdict: "fail", value, threshold: gate.min, reason: `${head} < ${formatValue(gate.min, unit)}${vsStable}${tail}` };
  const threshold = upper ?? gate.min ?? null;
  const within = [upper !== null ? `<= ${formatValue(upper, unit)}` : null, gate.min !== undefined ? `>= ${formatValue(gate.min, unit)}` : null]
    .filter(Boolean)
    .join(" and ");
  return { verdict: "pass", value, threshold, reason: `${head} ${within}${vsStable}${tail}` };
}

/**
 * A burn window longer than the rollout holds the canary workload's traffic from before it: a
 * canary retried on the same workload would be judged on the errors that rolled back the last
 * one, for up to 3 days. Such windows read the longest window within the rollout's age instead
 * (5m at least, the shortest measured, so a rollout younger than 5 min still sees up to that
 * much of what came before). Returns the ratios and the window the longer ones now read.
 */
export function burnWithinRollout(ratios: WindowValues, ageSeconds: number | undefined): { ratios: WindowValues; cap: BurnWindow | null } {
  const cap = burnCapFor(ageSeconds);
  if (cap === null) return { ratios, cap: null };
  const seconds = (window: BurnWindow) => durationSeconds(window) ?? 0;
  const capped = Object.fromEntries(BURN_WINDOWS.map((window) => [window, seconds(window) > seconds(cap) ? ratios[cap] : ratios[window]])) as WindowValues;
  return { ratios: capped, cap };
}

/** The window burn windows longer than the rollout read instead (burnWithinRollout); null when none is capped. */
export function burnCapFor(ageSeconds: number | undefined): BurnWindow | null {
  if (ageSeconds === undefined) return null;
  const seconds = (window: BurnWindow) => durationSeconds(window) ?? 0;
  const cap = [...BURN_WINDOWS].reverse().find((window) => seconds(window) <= ageSeconds) ?? BURN_WINDOWS[0];
  return cap === BURN_WINDOWS.at(-1) ? null : cap;
}

/** The window a burn condition's figure reads once capped to the rollout's age. */
export function burnWindowRead(window: BurnWindow, cap: BurnWindow | null): BurnWindow {
  return cap && (durationSeconds(window) ?? 0) > (durationSeconds(cap) ?? 0) ? cap : window;
}

function evaluateBurnRate(gate: GateOf<"burnRate">, data: EvidenceByKind["burnRate"]): Result {
  const few = tooFew(data.canaryRequests, gate.minRequests, gate.window);
  if (few) return few;
  const { ratios, cap } = burnWithinRollout(data.canaryErrorRatio, data.rolloutAgeSeconds);
  const capped = cap ? `; windows longer than the rollout (${formatAge(data.rolloutAgeSeconds ?? 0)}) read its last ${cap}` : "";
  // The window a condition's figure really covers, in the sentence.
  const read = (window: BurnWindow) => burnWindowRead(window, cap);
  const verdict = multiwindowVerdict(burnRates(ratios, gate.availability));
  // A condition's figure is the lower of its two windows' rates: read from the query that computes
  // exactly that (the one a page shows) when the loop fetched it.
  const figure = (c: ConditionResult) => data.conditionBurnRates?.[c.name] ?? Math.min(c.long.burnRate ?? 0, c.short.burnRate ?? 0);
  if (verdict.status === "no_data") return { verdict: "inconclusive", value: null, threshold: null, reason: "no canary error ratio in any burn window" };
  const fired = verdict.fired;
  if (fired && (fired.severity === "page" || gate.severity === "ticket")) {
    const value = figure(fired);
    return {
      verdict: "fail",
      value,
      threshold: fired.threshold,
      condition: fired.name,
      reason: `canary burn rate ${formatValue(fired.long.burnRate ?? 0, "x")} over ${read(fired.long.window)} and ${formatValue(fired.short.burnRate ?? 0, "x")} over ${read(fired.short.window)} > ${fired.threshold}x (${fired.name})${capped}`,
    };
  }
  const fastest = verdict.conditions[0];
  const value = fastest ? figure(fastest) : null;
  return {
    verdict: "pass",
    value,
    threshold: fastest?.threshold ?? null,
    ...(fastest ? { condition: fastest.name } : {}),
    reason: `canary burn rate within every ${gate.severity === "page" ? "paging " : ""}condition (${fastest ? `${formatValue(fastest.long.burnRate ?? 0, "x")} over ${read(fastest.long.window)}, ${formatValue(fastest.short.burnRate ?? 0, "x")} over ${read(fastest.short.window)}` : "no condition"})${capped}`,
  };
}

/** The observed canary share against the weight set, outside the tolerance only when significant. */
function evaluateSplit(gate: GateOf<"split">, data: EvidenceByKind["split"]): Result {
  const total = data.canaryRequests + data.stableRequests;
  if (total < Math.max(1, gate.minRequests)) {
    return {
      verdict: "inconclusive",
      value: null,
      threshold: data.setWeight,
      reason: `the route served ${total} of the ${gate.minRequests} requests needed in ${formatWindow(gate.window)}`,
    };
  }
  const observed = (data.canaryRequests / total) * 100;
  const high = Math.min(100, data.setWeight + gate.tolerance);
  const low = Math.max(0, data.setWeight - gate.tolerance);
  const pValue =
    observed > high ? binomialUpperTail(data.canaryRequests, total, high / 100) : observed < low ? binomialLowerTail(data.canaryRequests, total, low / 100) : 1;
  const said = `observed canary share ${formatPercent(observed)} vs ${data.setWeight}% set (± ${gate.tolerance} points), ${total} requests in ${formatWindow(gate.window)}`;
  if (pValue < 1 - gate.confidence) return { verdict: "fail", value: observed, threshold: data.setWeight, pValue, reason: `${said} (${formatP(pValue)})` };
  return { verdict: "pass", value: observed, threshold: data.setWeight, pValue, reason: said };
}

function evaluateJudge(gate: GateOf<"judge">, data: EvidenceByKind["judge"]): Result {
  const result = judge(gate.metrics, data.metrics, gate);
  const verdict: Verdict = result.classification === "Pass" ? "pass" : result.classification === "Fail" ? "fail" : "inconclusive";
  const worst =
    result.metrics.find((m) => m.name === result.criticalFailure) ?? result.metrics.find((m) => m.classification === "High" || m.classification === "Low");
  return { verdict, value: result.score, threshold: gate.passScore, judge: result, reason: `${result.reason}${worst ? `; ${worst.sentence}` : ""}` };
}

export function evaluateGate<K extends GateKind>(gate: GateOf<K>, observation: Observation<K>): GateEvaluation {
  const base = { gate: gateId(gate), kind: gate.kind, unit: UNITS[gate.kind] };
  const missing = withoutData(observation, gate.window);
  if (missing || observation.status !== "ok") return { ...base, ...(missing ?? { verdict: "inconclusive", value: null, threshold: null, reason: "no data" }) };
  const g = gate as Gate;
  const data: unknown = observation.data;
  switch (g.kind) {
    case "errorRate":
      return { ...base, ...evaluateErrorRate(g, data as EvidenceByKind["errorRate"]) };
    case "latencyP95":
    case "latencyP99":
    case "requestRate":
    case "promql":
      return { ...base, ...evaluateValue(g, data as EvidenceByKind["latencyP95"]) };
    case "burnRate":
      return { ...base, ...evaluateBurnRate(g, data as EvidenceByKind["burnRate"]) };
    case "split":
      return { ...base, ...evaluateSplit(g, data as EvidenceByKind["split"]) };
    case "judge":
      return { ...base, ...evaluateJudge(g, data as EvidenceByKind["judge"]) };
  }
}
