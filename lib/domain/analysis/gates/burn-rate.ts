import { z } from "zod";
import { BURN_WINDOWS, burnRates, multiwindowVerdict, type BurnWindow, type ConditionResult, type WindowValues } from "../../slo";
import { durationSeconds } from "../promql-template";
import { BURN_RATE_QUERIES, type GateKindEntry, type GateResult } from "./entry";
import { common } from "./schema-parts";
import { formatAge, formatValue, tooFew } from "./verdict-text";

/** The burn-rate gate: the canary's multiwindow burn rate of its availability objective must not page (or, as "ticket", not warn either). */
const DEFAULTS = { window: "5m", failureLimit: 1, minRequests: 20 };

const schema = z.strictObject({
  kind: z.literal("burnRate"),
  ...common(DEFAULTS),
  availability: z
    .number({ error: "availability must be a number (percent, e.g. 99.9)" })
    .gt(0, { error: "availability must be above 0%" })
    .lt(100, { error: "availability must be below 100%" }),
  /** "page" fails on the fast-burn conditions only; "ticket" also on the slow 3-day one. */
  severity: z.enum(["page", "ticket"], { error: 'severity must be "page" or "ticket"' }).default("page"),
});

export type BurnRateGate = z.output<typeof schema>;

/**
 * The canary's error ratio per burn window, its requests over the gate's window, and how long
 * ago its rollout was created (seconds; windows longer than that hold other rollouts' traffic);
 * `conditionBurnRates`: each multiwindow condition's figure, by condition name, as Prometheus computed it.
 */
export type BurnRateEvidence = {
  canaryErrorRatio: WindowValues;
  canaryRequests: number;
  rolloutAgeSeconds?: number;
  conditionBurnRates?: Readonly<Record<string, number | null>>;
};

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

function evaluateBurnRate(gate: BurnRateGate, data: BurnRateEvidence): GateResult {
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

export const burnRateGate = {
  schema,
  unit: "x",
  // Every burn-rate gate of the pass rides in one pair of queries (lib/prometheus/gates/burn-rate.ts).
  cost: () => ({ shared: "burnRate", queries: BURN_RATE_QUERIES }),
  evaluate: evaluateBurnRate,
} satisfies GateKindEntry<"burnRate", BurnRateGate, BurnRateEvidence>;
