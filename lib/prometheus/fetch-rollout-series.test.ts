import { describe, expect, it } from "vitest";
import { startPrometheusForFile } from "../../test/prometheus";
import { burnRates, errorBudgetRemaining, latencyBurnRates, multiwindowVerdict } from "../domain/slo";
import { createPrometheusClient } from "./client";
import { fetchBurnRateInputs } from "./fetch-burn-rate-inputs";
import { fetchRolloutSeries } from "./fetch-rollout-series";
import { CHECKOUT, checkoutHistory, sig3 } from "./test-support";

/*
 * Real Prometheus, two hours of backfilled history with constant rates (test-support.ts).
 * Expected values, by hand:
 *   error rate  stable 0.001, canary 0.05 (5xx share of requests)
 *   request rate  stable 10/s, canary 2/s; reporter="source" copies must not double them
 *   split  2 / (2 + 10) = 0.16667
 *   P95 stable: cumulative shares <=25:0.40 <=50:0.70 <=100:0.90 <=250:0.98 <=500:1.
 *     rank 0.95 falls in (100, 250]: 100 + 150 x (0.95 - 0.90) / (0.98 - 0.90) = 100 + 93.75 = 193.75
 *   P99 stable: rank 0.99 in (250, 500]: 250 + 250 x (0.99 - 0.98) / 0.02 = 375
 *   P95 canary: <=100:0.05 <=250:0.20 <=500:0.90 <=1000:1. (500, 1000]: 500 + 500 x 0.05 / 0.10 = 750
 *   P99 canary: 500 + 500 x 0.09 / 0.10 = 950
 */
const END = Math.floor(Date.now() / 60_000) * 60 - 60;
const prometheus = startPrometheusForFile({ backfill: () => checkoutHistory({ endSeconds: END }) });
const client = () => createPrometheusClient({ baseUrl: prometheus.url });

describe("rollout series from a real Prometheus", () => {
  it("returns the known SLIs for canary and stable on every step", async () => {
    const series = await fetchRolloutSeries(client(), {
      ...CHECKOUT,
      // from 15 minutes into the history, so every rate window is full of samples
      start: new Date((END - 105 * 60) * 1000),
      end: new Date(END * 1000),
      stepSeconds: 60,
    });
    expect(series.canary.requestRate).toHaveLength(106); // 105 minutes at 60s, both ends included
    const distinct = (points: { v: number | null }[]) => [...new Set(points.map((p) => sig3(p.v)))];
    expect(distinct(series.stable.errorRate)).toEqual(["0.00100"]);
    expect(distinct(series.canary.errorRate)).toEqual(["0.0500"]);
    expect(distinct(series.stable.requestRate)).toEqual(["10.0"]);
    expect(distinct(series.canary.requestRate)).toEqual(["2.00"]);
    expect(distinct(series.split)).toEqual(["0.167"]);
    expect(distinct(series.stable.p95Ms)).toEqual(["194"]);
    expect(distinct(series.stable.p99Ms)).toEqual(["375"]);
    expect(distinct(series.canary.p95Ms)).toEqual(["750"]);
    expect(distinct(series.canary.p99Ms)).toEqual(["950"]);
    expect(series.stable.p95Ms[0]?.v).toBeCloseTo(193.75, 6);
  });

  it("aligns the range to the step and leaves steps without data null", async () => {
    const series = await fetchRolloutSeries(client(), {
      ...CHECKOUT,
      // from 3 hours back: the first hour has no history at all
      start: new Date((END - 3 * 3600 + 17) * 1000),
      end: new Date((END - 40) * 1000),
      stepSeconds: 300,
    });
    expect(series.start.getTime() % 300_000).toBe(0);
    expect(series.end.getTime() % 300_000).toBe(0);
    expect(series.start.getTime()).toBeLessThanOrEqual((END - 3 * 3600 + 17) * 1000);
    const first = series.canary.errorRate[0];
    expect(first?.v).toBeNull();
    expect(series.split[0]?.v).toBeNull();
    expect(sig3(series.canary.errorRate.at(-2)?.v)).toBe("0.0500");
  });

  it("selects by another label when the rollout overrides destination_workload", async () => {
    const series = await fetchRolloutSeries(client(), {
      namespace: "shop",
      label: "destination_version",
      stable: "v1",
      canary: "v2",
      start: new Date((END - 600) * 1000),
      end: new Date(END * 1000),
      stepSeconds: 60,
    });
    expect(sig3(series.canary.errorRate.at(-1)?.v)).toBe("0.0500");
    expect(sig3(series.stable.requestRate.at(-1)?.v)).toBe("10.0");
  });
});

describe("burn-rate inputs from a real Prometheus", () => {
  it("gives the error ratios per window and the verdicts they lead to", async () => {
    const inputs = await fetchBurnRateInputs(client(), { ...CHECKOUT, time: new Date(END * 1000), latencyThresholdMs: 300 });
    // service = (10 x 0.001 + 2 x 0.05) / 12 = 0.11 / 12 = 0.0091667 in every window (history is constant)
    for (const ratio of Object.values(inputs.service.errorRatio)) expect(sig3(ratio)).toBe("0.00917");
    for (const ratio of Object.values(inputs.canary.errorRatio)) expect(sig3(ratio)).toBe("0.0500");
    // 5m of the service: 12 req/s x 300 s = 3600 requests, 0.11 x 300 = 33 errors
    expect(sig3(inputs.service.requests["5m"])).toBe("3.60e+3");
    expect(sig3(inputs.service.errors["5m"])).toBe("33.0");

    // 99.9%: budget 0.001. Service burns 9.17 everywhere: not > 14.4 (1h/5m), but > 6 (6h/30m) -> page
    const service = multiwindowVerdict(burnRates(inputs.service.errorRatio, 99.9));
    expect(service.status).toBe("page");
    expect(service.fired?.name).toBe("5% of budget in 6h");
    expect(sig3(service.fired?.long.burnRate)).toBe("9.17");
    // the canary alone burns 0.05 / 0.001 = 50 > 14.4 -> fast-burn page
    const canary = multiwindowVerdict(burnRates(inputs.canary.errorRatio, 99.9));
    expect(canary.fired?.name).toBe("2% of budget in 1h");
    expect(sig3(canary.fired?.long.burnRate)).toBe("50.0");
    // 30 days (only 2h of history): 1 - 0.0091667 / 0.001 = -8.17, the budget is overspent
    const remaining = errorBudgetRemaining({ errors: inputs.service.errors["30d"], requests: inputs.service.requests["30d"], availabilityPercent: 99.9 });
    expect(sig3(remaining)).toBe("-8.17");
  });

  it("measures the share slower than the latency threshold from the histogram", async () => {
    const inputs = await fetchBurnRateInputs(client(), { ...CHECKOUT, time: new Date(END * 1000), latencyThresholdMs: 300 });
    // 300 ms is no bucket bound: the next one up, 500 ms, counts. canary: 1 - 0.90 = 0.10; stable: 0;
    // service: (2 x 0.10 + 10 x 0) / 12 = 0.016667
    expect(inputs.latencyBoundMs).toBe(500);
    expect(sig3(inputs.canary.slowShare?.["1h"])).toBe("0.100");
    expect(inputs.stable.slowShare?.["1h"]).toBe(0);
    expect(sig3(inputs.service.slowShare?.["5m"])).toBe("0.0167");
    // latency burn for a P95 objective: 0.10 / 0.05 = 2 for the canary
    expect(sig3(latencyBurnRates(inputs.canary.slowShare ?? inputs.canary.errorRatio)["1h"])).toBe("2.00");
  });

  it("says no data, not healthy, where there is no traffic", async () => {
    const inputs = await fetchBurnRateInputs(client(), { ...CHECKOUT, time: new Date((END - 5 * 3600) * 1000) });
    expect(inputs.service.errorRatio["5m"]).toBeNull();
    expect(inputs.service.slowShare).toBeNull();
    expect(multiwindowVerdict(burnRates(inputs.service.errorRatio, 99.9)).status).toBe("no_data");
  });
});
