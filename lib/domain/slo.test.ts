import { describe, expect, it } from "vitest";
import {
  burnRate,
  burnRates,
  canaryBurnRate,
  errorBudget,
  errorBudgetRemaining,
  latencyBucketFor,
  latencyBurnRate,
  latencyBurnRates,
  multiwindowVerdict,
  type WindowValues,
} from "./slo";

const windows = (values: Partial<WindowValues>): WindowValues => ({ "5m": null, "30m": null, "1h": null, "6h": null, "3d": null, ...values });

describe("burn rate", () => {
  it("divides the error ratio by the budget", () => {
    // 99.9% -> budget 1 - 0.999 = 0.001; 0.5% errors / 0.001 = 5
    expect(errorBudget(99.9)).toBeCloseTo(0.001, 12);
    expect(burnRate(0.005, 99.9)).toBeCloseTo(5, 9);
    // 99% -> budget 0.01; 0.144 / 0.01 = 14.4
    expect(burnRate(0.144, 99)).toBeCloseTo(14.4, 9);
    expect(burnRate(0, 99.9)).toBe(0);
  });

  it("refuses objectives that leave no budget or make no sense", () => {
    expect(() => burnRate(0.01, 100)).toThrow(RangeError);
    expect(() => burnRate(0.01, 0)).toThrow(RangeError);
    expect(() => burnRate(0.01, Number.NaN)).toThrow(RangeError);
  });

  it("judges the canary as if it took all the traffic", () => {
    // canary 5% errors against 99.9%: 0.05 / 0.001 = 50, however small its share of traffic
    expect(canaryBurnRate(0.05, 99.9)).toBeCloseTo(50, 9);
    expect(canaryBurnRate(null, 99.9)).toBeNull();
  });

  it("maps every window and keeps missing ones missing", () => {
    const rates = burnRates(windows({ "5m": 0.002, "1h": 0 }), 99.9);
    expect(rates["5m"]).toBeCloseTo(2, 9); // 0.002 / 0.001
    expect(rates["1h"]).toBe(0);
    expect(rates["3d"]).toBeNull();
  });
});

describe("multiwindow, multi-burn-rate verdict", () => {
  it("pages when both 1h and 5m burn faster than 14.4", () => {
    const verdict = multiwindowVerdict(windows({ "5m": 20, "30m": 3, "1h": 15, "6h": 2, "3d": 0.5 }));
    expect(verdict.status).toBe("page");
    expect(verdict.fired).toMatchObject({ name: "2% of budget in 1h", long: { window: "1h", burnRate: 15 }, short: { window: "5m", burnRate: 20 } });
  });

  it("does not page on a short spike the long window has not seen", () => {
    // 5m at 100 but 1h at 10: the spike is over or too brief to have spent 2% of the budget
    const verdict = multiwindowVerdict(windows({ "5m": 100, "30m": 2, "1h": 10, "6h": 1, "3d": 0.9 }));
    expect(verdict.status).toBe("ok");
    expect(verdict.conditions.every((c) => !c.firing)).toBe(true);
  });

  it("pages on a sustained 6h/30m burn above 6 and prefers it to a ticket", () => {
    const verdict = multiwindowVerdict(windows({ "5m": 7, "30m": 7, "1h": 7, "6h": 6.5, "3d": 2 }));
    expect(verdict.status).toBe("page");
    expect(verdict.fired?.name).toBe("5% of budget in 6h");
    expect(verdict.conditions.map((c) => c.firing)).toEqual([false, true, true]);
  });

  it("opens a ticket when 3d and 6h both burn above 1", () => {
    const verdict = multiwindowVerdict(windows({ "5m": 1.5, "30m": 1.5, "1h": 1.5, "6h": 1.2, "3d": 1.1 }));
    expect(verdict).toMatchObject({ status: "ticket", fired: { severity: "ticket", threshold: 1 } });
  });

  it("needs the threshold to be exceeded, not merely reached", () => {
    expect(multiwindowVerdict(windows({ "5m": 14.4, "1h": 14.4 })).status).toBe("ok");
  });

  it("says no_data rather than ok when nothing has traffic", () => {
    expect(multiwindowVerdict(windows({})).status).toBe("no_data");
    // one missing window keeps its condition from firing
    expect(multiwindowVerdict(windows({ "1h": 50 })).status).toBe("ok");
  });
});

describe("error budget remaining", () => {
  it("spends the budget in proportion to errors", () => {
    // 1,000,000 requests at 99.9% allow 1,000 errors; 250 errors spent 25% -> 0.75 left
    expect(errorBudgetRemaining({ errors: 250, requests: 1_000_000, availabilityPercent: 99.9 })).toBeCloseTo(0.75, 9);
    // 3,000 errors: 1 - 3000/1000 = -2 (overspent three times over)
    expect(errorBudgetRemaining({ errors: 3000, requests: 1_000_000, availabilityPercent: 99.9 })).toBeCloseTo(-2, 9);
  });

  it("treats a missing error count as none, but missing traffic as unknown", () => {
    expect(errorBudgetRemaining({ errors: null, requests: 500, availabilityPercent: 99 })).toBe(1);
    expect(errorBudgetRemaining({ errors: null, requests: null, availabilityPercent: 99 })).toBeNull();
    expect(errorBudgetRemaining({ errors: 0, requests: 0, availabilityPercent: 99 })).toBeNull();
  });
});

describe("latency SLO", () => {
  it("burns at slow share / 5% for a P95 objective", () => {
    // 10% of requests slower than the P95 target: 0.10 / 0.05 = 2
    expect(latencyBurnRate(0.1)).toBeCloseTo(2, 9);
    expect(latencyBurnRate(0.05)).toBeCloseTo(1, 9);
    expect(latencyBurnRate(null)).toBeNull();
    expect(latencyBurnRates(windows({ "1h": 0.72 }))["1h"]).toBeCloseTo(14.4, 9);
  });

  it("counts slow requests from the smallest bucket bound at or above the threshold", () => {
    expect(latencyBucketFor(300)).toBe(500);
    expect(latencyBucketFor(250)).toBe(250);
    expect(latencyBucketFor(0.2)).toBe(0.5);
    expect(latencyBucketFor(4_000_000)).toBeNull();
    expect(latencyBucketFor(120, [50, 200, 100, Infinity])).toBe(200);
  });
});
