import { gridTimes, onGrid, ratioSeries, splitSeries, type Point } from "../domain/series";
import type { PrometheusClient } from "./client";
import { anyOfRegex, assertDuration, labelMatcher, tagged, union } from "./promql";
import { alignRange, assertPointCount } from "./range";
import { indexMatrix, seriesKey } from "./results";
import { baseMatchers, NAMESPACE_LABEL, resolveTargets, type RolloutTargets } from "./selector";
import { errorsExpr, PART_LABEL, quantileExpr, requestsExpr } from "./sli-queries";
import type { SliSeries } from "../contracts/metrics";

export type RolloutSeries = {
  /** The range actually queried: start and end aligned to the step. */
  start: Date;
  end: Date;
  stepSeconds: number;
  rateWindow: string;
  canary: SliSeries;
  stable: SliSeries;
  /** Observed share of traffic reaching the canary, 0..1. */
  split: Point[];
};

export type FetchRolloutSeriesOptions = RolloutTargets & {
  start: Date;
  end: Date;
  stepSeconds: number;
  /** Defaults to max(step + scrape interval, 4 x scrape interval), as Grafana's $__rate_interval. */
  rateWindow?: string;
  scrapeIntervalSeconds?: number;
};

/**
 * Chart series for one rollout, canary against stable, on the step's grid (null = no data).
 * Two range queries whatever the range: traffic (requests and 5xx) and latency (P95 and P99),
 * each grouped by the workload label; error rate and split are divided here.
 */
export async function fetchRolloutSeries(client: PrometheusClient, options: FetchRolloutSeriesOptions): Promise<RolloutSeries> {
  const { start: rawStart, end: rawEnd, stepSeconds, scrapeIntervalSeconds = 15 } = options;
  const targets = resolveTargets(options);
  assertPointCount({ start: rawStart, end: rawEnd, stepSeconds });
  const { start, end } = alignRange({ start: rawStart, end: rawEnd, stepSeconds });
  const rateWindow = assertDuration(options.rateWindow ?? `${Math.max(stepSeconds + scrapeIntervalSeconds, 4 * scrapeIntervalSeconds)}s`, "rateWindow");

  const { label } = targets;
  const matchers = [
    ...baseMatchers({ namespaceMatcher: labelMatcher(NAMESPACE_LABEL, "=", targets.namespace), extraMatchers: targets.extraMatchers }),
    labelMatcher(label, "=~", anyOfRegex([targets.stable, targets.canary])),
  ];
  const grouped = { matchers, by: [label], window: rateWindow };
  const traffic = union([tagged(requestsExpr(grouped), { [PART_LABEL]: "requests" }), tagged(errorsExpr(grouped), { [PART_LABEL]: "errors" })]);
  const latency = union([
    tagged(quantileExpr({ ...grouped, q: 0.95 }), { [PART_LABEL]: "p95" }),
    tagged(quantileExpr({ ...grouped, q: 0.99 }), { [PART_LABEL]: "p99" }),
  ]);
  const range = { start, end, stepSeconds };
  const [trafficData, latencyData] = await Promise.all([client.queryRange(traffic, range), client.queryRange(latency, range)]);

  const keyOf = (metric: Record<string, string>) => {
    const part = metric[PART_LABEL];
    const value = metric[label];
    return part !== undefined && value !== undefined ? seriesKey(part, value) : undefined;
  };
  const series = new Map([...indexMatrix(trafficData.result, keyOf), ...indexMatrix(latencyData.result, keyOf)]);
  const grid = gridTimes({ startMs: start.getTime(), endMs: end.getTime(), stepMs: stepSeconds * 1000 });
  const get = (part: string, value: string) => onGrid(series.get(seriesKey(part, value)) ?? [], grid);

  const slis = (value: string): SliSeries => {
    const requestRate = get("requests", value);
    // Ratio on the grid: a step without requests stays null, one without a 5xx series is 0.
    const errors = series.get(seriesKey("errors", value)) ?? [];
    return {
      errorRate: ratioSeries(errors, requestRate, { missingNumeratorIsZero: true }),
      p95Ms: get("p95", value),
      p99Ms: get("p99", value),
      requestRate,
    };
  };
  const canary = slis(targets.canary);
  const stable = slis(targets.stable);
  return { start, end, stepSeconds, rateWindow, canary, stable, split: splitSeries({ canary: canary.requestRate, stable: stable.requestRate }) };
}
