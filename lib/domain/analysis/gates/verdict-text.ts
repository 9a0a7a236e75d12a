import { durationSeconds } from "../promql-template";
import type { GateResult, ObservationOf, ValueSample } from "./entry";
import type { Limits } from "./schema-parts";

/** The sentences and the value-against-limits rule gate kinds share. */

export function formatPercent(percent: number): string {
  return percent >= 1 ? `${percent.toFixed(1)}%` : `${Number(percent.toPrecision(2))}%`;
}

export function formatProbability(p: number): string {
  return p < 0.001 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}

export const formatP = (p: number) => `p = ${formatProbability(p)}`;

export function formatWindow(window: string): string {
  const seconds = durationSeconds(window) ?? 0;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export function formatAge(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Number((seconds / 3600).toFixed(1))} h`;
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function formatValue(value: number, unit: string): string {
  const rounded = Math.abs(value) >= 100 ? Math.round(value).toString() : Number(value.toPrecision(3)).toString();
  return unit ? `${rounded} ${unit}` : rounded;
}

/** Never pass on no data: Prometheus down and no series are inconclusive for every kind alike. */
export function withoutData(observation: ObservationOf<unknown>, window: string): GateResult | null {
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

export function tooFew(served: number, needed: number, window: string): GateResult | null {
  if (served >= needed) return null;
  return {
    verdict: "inconclusive",
    value: null,
    threshold: null,
    reason: `canary served ${served} of the ${needed} requests needed in ${formatWindow(window)}`,
  };
}

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

export const needsStable = (limits: Limits) => limits.max === undefined && limits.min === undefined;

export type ValueEvidence = { canary: ValueSample; stable?: ValueSample };

/** Latency, request rate and custom queries: a value against limits, debounced by failureLimit. */
export function evaluateValue(
  gate: Limits & { window: string; minRequests: number },
  data: ValueEvidence,
  { label, unit }: { label: string; unit: string },
): GateResult {
  const requests = data.canary.requests;
  if (requests !== undefined) {
    const few = tooFew(requests, gate.minRequests, gate.window);
    if (few) return few;
  }
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
