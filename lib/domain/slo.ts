/**
 * SLO maths for a 30-day objective, after the Google SRE Workbook ("Alerting on SLOs"). Pure:
 * callers bring the ratios and counts (lib/prometheus/fetch-burn-rate-inputs.ts fetches them).
 * A null input means "no traffic, so no answer"; it never turns into a healthy-looking 0 or 100%.
 */

export const SLO_PERIOD = "30d";
export const BURN_WINDOWS = ["5m", "30m", "1h", "6h", "3d"] as const;
export type BurnWindow = (typeof BURN_WINDOWS)[number];
export type WindowValues = Record<BurnWindow, number | null>;

/**
 * The workbook's table for a 30-day period: a burn rate of 14.4 over 1h spends 2% of the budget,
 * 6 over 6h spends 5%, 1 over 3d spends 10%. The short window (1/12 of the long one) makes the
 * alert stop soon after the burning stops.
 */
export const MULTIWINDOW_CONDITIONS = [
  { name: "2% of budget in 1h", severity: "page", long: "1h", short: "5m", threshold: 14.4 },
  { name: "5% of budget in 6h", severity: "page", long: "6h", short: "30m", threshold: 6 },
  { name: "10% of budget in 3d", severity: "ticket", long: "3d", short: "6h", threshold: 1 },
] as const satisfies readonly { name: string; severity: "page" | "ticket"; long: BurnWindow; short: BurnWindow; threshold: number }[];

export type Severity = "page" | "ticket";
export type ConditionResult = {
  name: string;
  severity: Severity;
  threshold: number;
  long: { window: BurnWindow; burnRate: number | null };
  short: { window: BurnWindow; burnRate: number | null };
  firing: boolean;
};
export type BurnVerdict = {
  /** "no_data" when no window has traffic: a silent service is not a healthy one. */
  status: Severity | "ok" | "no_data";
  /** The most severe condition that fired (pages are checked before tickets). */
  fired: ConditionResult | null;
  conditions: ConditionResult[];
};

/** The share of requests the objective allows to fail: 99.9% -> 0.001. */
export function errorBudget(availabilityPercent: number): number {
  if (!(availabilityPercent > 0 && availabilityPercent < 100)) {
    throw new RangeError(`availability must be between 0 and 100 (exclusive), got ${availabilityPercent}`);
  }
  return 1 - availabilityPercent / 100;
}

/** How many times faster than "exactly on budget" errors are arriving. */
export function burnRate(errorRatio: number, availabilityPercent: number): number {
  return errorRatio / errorBudget(availabilityPercent);
}

/**
 * The canary's own burn rate: what the service would burn if all traffic behaved like the
 * canary. Its small traffic share hides this from the service-level rate, so it is judged alone.
 */
export function canaryBurnRate(canaryErrorRatio: number | null, availabilityPercent: number): number | null {
  return canaryErrorRatio === null ? null : burnRate(canaryErrorRatio, availabilityPercent);
}

export function burnRates(errorRatios: WindowValues, availabilityPercent: number): WindowValues {
  return mapWindows(errorRatios, (ratio) => (ratio === null ? null : burnRate(ratio, availabilityPercent)));
}

/** Multiwindow, multi-burn-rate verdict: a condition fires only when both its windows burn too fast. */
export function multiwindowVerdict(rates: WindowValues): BurnVerdict {
  const conditions: ConditionResult[] = MULTIWINDOW_CONDITIONS.map(({ name, severity, long, short, threshold }) => {
    const longRate = rates[long];
    const shortRate = rates[short];
    const firing = longRate !== null && shortRate !== null && longRate > threshold && shortRate > threshold;
    return { name, severity, threshold, long: { window: long, burnRate: longRate }, short: { window: short, burnRate: shortRate }, firing };
  });
  const fired = conditions.find((c) => c.firing && c.severity === "page") ?? conditions.find((c) => c.firing) ?? null;
  if (fired) return { status: fired.severity, fired, conditions };
  const noData = BURN_WINDOWS.every((window) => rates[window] === null);
  return { status: noData ? "no_data" : "ok", fired: null, conditions };
}

/**
 * Share of the period's error budget still unspent: 1 - errors / (allowed ratio x requests).
 * Negative once overspent. `errors` null means no 5xx series exist yet, i.e. zero errors;
 * `requests` null or 0 means no traffic, for which there is no honest answer.
 */
export function errorBudgetRemaining({
  errors,
  requests,
  availabilityPercent,
}: {
  errors: number | null;
  requests: number | null;
  availabilityPercent: number;
}): number | null {
  if (requests === null || requests <= 0) return null;
  return 1 - (errors ?? 0) / (errorBudget(availabilityPercent) * requests);
}

/** A P95 objective lets at most 5% of requests be slower than the threshold. */
export const P95_SLOW_SHARE_ALLOWED = 0.05;

export function latencyBurnRate(slowShare: number | null, allowedSlowShare = P95_SLOW_SHARE_ALLOWED): number | null {
  return slowShare === null ? null : slowShare / allowedSlowShare;
}

export function latencyBurnRates(slowShares: WindowValues): WindowValues {
  return mapWindows(slowShares, (share) => latencyBurnRate(share));
}

/** Envoy's default histogram bounds, which Istio's duration metric uses unless overridden. */
export const ISTIO_DEFAULT_BUCKETS_MS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
] as const;

/**
 * The bucket bound used to count "slower than thresholdMs": the smallest bound >= the threshold.
 * A histogram cannot split a bucket, so requests between the threshold and that bound count as
 * fast: the slow share (and latency burn) is understated unless the threshold is itself a bound.
 * Null when the threshold is above every finite bound.
 */
export function latencyBucketFor(thresholdMs: number, buckets: readonly number[] = ISTIO_DEFAULT_BUCKETS_MS): number | null {
  const candidates = buckets.filter((bound) => Number.isFinite(bound) && bound >= thresholdMs);
  return candidates.length === 0 ? null : Math.min(...candidates);
}

function mapWindows(values: WindowValues, fn: (value: number | null) => number | null): WindowValues {
  return Object.fromEntries(BURN_WINDOWS.map((window) => [window, fn(values[window])])) as WindowValues;
}
