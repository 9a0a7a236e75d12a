import { ratio } from "../domain/series";
import { BURN_WINDOWS, latencyBucketFor, SLO_PERIOD, type BurnWindow } from "../domain/slo";
import type { PrometheusClient } from "./client";
import { anyOfRegex, labelMatcher, tagged, union } from "./promql";
import { indexVector, seriesKey, vectorOf } from "./results";
import { baseMatchers, NAMESPACE_LABEL, resolveTargets, type RolloutTargets } from "./selector";
import { errorsExpr, latencyBucketsExpr, parseLe, PART_LABEL, requestsExpr } from "./sli-queries";

export const SLO_WINDOWS = [...BURN_WINDOWS, SLO_PERIOD] as const;
export type SloWindow = BurnWindow | typeof SLO_PERIOD;
export type PerWindow = Record<SloWindow, number | null>;

/** Counts over each window (increase), the error ratio and, if asked, the share slower than the threshold. */
export type ScopeInputs = { requests: PerWindow; errors: PerWindow; errorRatio: PerWindow; slowShare: PerWindow | null };
export type BurnRateInputs = {
  /** The whole service: stable and canary together, which is what the SLO is about. */
  service: ScopeInputs;
  /** The canary alone: what it would burn at full traffic. */
  canary: ScopeInputs;
  stable: ScopeInputs;
  /** The bucket bound standing in for the latency threshold (see latencyBucketFor). */
  latencyBoundMs: number | null;
};

const WINDOW_LABEL = "aviary_window";

/**
 * Everything the multiwindow burn-rate alerts and the 30-day budget need, in one instant query:
 * per window, requests and 5xx (and latency buckets when a threshold is given) grouped by
 * workload. The service-level numbers are stable + canary, summed here.
 */
export async function fetchBurnRateInputs(
  client: PrometheusClient,
  options: RolloutTargets & { time?: Date; latencyThresholdMs?: number; buckets?: readonly number[] },
): Promise<BurnRateInputs> {
  const targets = resolveTargets(options);
  const { label } = targets;
  const boundMs = options.latencyThresholdMs === undefined ? null : latencyBucketFor(options.latencyThresholdMs, options.buckets);
  const matchers = [
    ...baseMatchers({ namespaceMatcher: labelMatcher(NAMESPACE_LABEL, "=", targets.namespace), extraMatchers: targets.extraMatchers }),
    labelMatcher(label, "=~", anyOfRegex([targets.stable, targets.canary])),
  ];
  const parts = SLO_WINDOWS.flatMap((window) => {
    const grouped = { matchers, by: [label], window, fn: "increase" as const };
    const tag = (part: string) => ({ [PART_LABEL]: part, [WINDOW_LABEL]: window });
    return [
      tagged(requestsExpr(grouped), tag("requests")),
      tagged(errorsExpr(grouped), tag("errors")),
      ...(boundMs === null ? [] : [tagged(latencyBucketsExpr({ ...grouped, boundMs }), tag("latency"))]),
    ];
  });
  const data = await client.query(union(parts), { time: options.time });

  const values = indexVector(vectorOf(data, client.url), (metric) => {
    const [part, window, value] = [metric[PART_LABEL], metric[WINDOW_LABEL], metric[label]];
    if (part === undefined || window === undefined || value === undefined) return undefined;
    if (part !== "latency") return seriesKey(part, window, value);
    const le = parseLe(metric.le);
    return le === Infinity ? seriesKey("all", window, value) : le === boundMs ? seriesKey("fast", window, value) : undefined;
  });

  const scope = (workloads: readonly string[]): ScopeInputs => {
    const sum = (part: string, window: SloWindow) => {
      const found = workloads.map((w) => values.get(seriesKey(part, window, w))).filter((v): v is number => typeof v === "number");
      return found.length === 0 ? null : found.reduce((a, b) => a + b, 0);
    };
    const perWindow = (fn: (window: SloWindow) => number | null) => Object.fromEntries(SLO_WINDOWS.map((w) => [w, fn(w)])) as PerWindow;
    const requests = perWindow((w) => sum("requests", w));
    // Absent 5xx series with traffic present: no errors yet.
    const errors = perWindow((w) => sum("errors", w) ?? (requests[w] === null ? null : 0));
    const slowShare =
      boundMs === null
        ? null
        : perWindow((w) => {
            const fast = ratio(sum("fast", w), sum("all", w));
            return fast === null ? null : Math.max(0, 1 - fast);
          });
    return { requests, errors, errorRatio: perWindow((w) => ratio(errors[w], requests[w])), slowShare };
  };

  return {
    service: scope([targets.stable, targets.canary]),
    canary: scope([targets.canary]),
    stable: scope([targets.stable]),
    latencyBoundMs: boundMs,
  };
}
