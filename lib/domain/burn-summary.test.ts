import { describe, expect, it } from "vitest";
import { latestValue, summarizeBurn, worstVerdict, type PeriodValues, type ScopeCounts } from "./burn-summary";

const all = (v: number | null): PeriodValues => ({ "5m": v, "30m": v, "1h": v, "6h": v, "3d": v, "30d": v });
const counts = ({ requests, errors, slow }: { requests: number | null; errors: number | null; slow?: number | null }): ScopeCounts => ({
  requests: all(requests),
  errors: all(errors),
  errorRatio: all(requests && errors !== null ? errors / requests : null),
  slowShare: slow === undefined ? null : all(slow),
});
const slo = { availability: 99.9, latencyP95Ms: 300 };

describe("burn summary", () => {
  it("judges the service and the canary alone, and works out the 30-day budget", () => {
    // service 0.11 / 12 = 0.0091667 -> burn 9.17: pages on 6h/30m, not on 1h/5m
    // canary 0.05 -> burn 50: pages on 1h/5m
    const summary = summarizeBurn({
      service: counts({ requests: 1200, errors: 11, slow: 0.02 }),
      canary: counts({ requests: 200, errors: 10, slow: 0.1 }),
      stable: counts({ requests: 1000, errors: 1, slow: 0 }),
      latencyBoundMs: 500,
      slo,
    });
    expect(summary.service.burnRate["1h"]).toBeCloseTo(9.1667, 3);
    expect(summary.service.verdict.status).toBe("page");
    expect(summary.service.verdict.fired?.threshold).toBe(6);
    expect(summary.canary.burnRate["5m"]).toBeCloseTo(50, 9);
    expect(summary.canary.verdict.fired?.threshold).toBe(14.4);
    expect(summary.conditions.map((c) => c.threshold)).toEqual([14.4, 6, 1]);
    // budget: 1 - 11 / (0.001 x 1200) = 1 - 9.1667
    expect(summary.budget.allowedErrorRatio).toBeCloseTo(0.001, 12);
    expect(summary.budget.remaining).toBeCloseTo(-8.1667, 3);
    // latency: 10% of canary requests slower than the bound; a P95 objective allows 5% -> burn 2
    expect(summary.latency).toMatchObject({ thresholdMs: 300, boundMs: 500, allowedSlowShare: 0.05 });
    expect(summary.latency.canary.burnRate?.["1h"]).toBeCloseTo(2, 9);
    expect(summary.latency.stable.slowShare?.["6h"]).toBe(0);
    expect(Object.keys(summary.service.errorRatio)).toEqual(["5m", "30m", "1h", "6h", "3d"]);
  });

  it("says no data, not healthy, without traffic", () => {
    const none = counts({ requests: null, errors: null });
    const summary = summarizeBurn({ service: none, canary: none, stable: none, latencyBoundMs: null, slo });
    expect(summary.service.verdict.status).toBe("no_data");
    expect(summary.budget.remaining).toBeNull();
    expect(summary.latency.service).toEqual({ slowShare: null, burnRate: null });
  });

  it("picks the more alarming verdict for the overview badge", () => {
    expect(worstVerdict("ok", "page")).toEqual({ status: "page", scope: "canary" });
    expect(worstVerdict("page", "page")).toEqual({ status: "page", scope: "service" });
    expect(worstVerdict("ticket", "ok")).toEqual({ status: "ticket", scope: "service" });
    expect(worstVerdict("no_data", "ok")).toEqual({ status: "ok", scope: null });
    expect(worstVerdict("no_data", "no_data")).toEqual({ status: "no_data", scope: null });
  });

  it("reads the latest value of a series", () => {
    expect(latestValue([{ v: 1 }, { v: 2 }, { v: null }])).toBe(2);
    expect(latestValue([{ v: null }])).toBeNull();
    expect(latestValue([])).toBeNull();
  });
});
