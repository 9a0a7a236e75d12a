import { describe, expect, it } from "vitest";
import { gateSchema, type GateInput, type GateKind, type GateOf } from "./definition";
import { evaluateGate } from "./evaluate";

const gate = <K extends GateKind>(input: GateInput & { kind: K }) => gateSchema.parse(input) as GateOf<K>;
const windows = { "5m": null, "30m": null, "1h": null, "6h": null, "3d": null };

describe("error-rate gate", () => {
  const errorRate = gate({ kind: "errorRate", max: 1, window: "30s" });

  it("fails on a burst, in a sentence", () => {
    const result = evaluateGate(errorRate, { status: "ok", data: { canary: { requests: 312, errors: 16 }, stable: { requests: 5000, errors: 5 } } });
    expect(result).toMatchObject({ verdict: "fail", threshold: 1 });
    expect(result.value).toBeCloseTo(5.128, 2);
    expect(result.reason).toMatch(/^canary error rate 5\.1% > 1\.0% \(0\.1% stable\), 16 errors in 312 requests in 30 s \(p = /);
  });

  it("does not call one error in 30 requests a breach", () => {
    const result = evaluateGate(errorRate, { status: "ok", data: { canary: { requests: 30, errors: 1 } } });
    expect(result.verdict).toBe("pass");
    expect(result.reason).toMatch(/is above 1\.0% but 1 error in 30 requests in 30 s is within chance/);
  });

  it("calls 15 errors of 300 one", () => {
    expect(evaluateGate(errorRate, { status: "ok", data: { canary: { requests: 300, errors: 15 } } }).verdict).toBe("fail");
  });

  it("is inconclusive without enough requests, without data and without Prometheus", () => {
    const few = evaluateGate(gate({ kind: "errorRate", max: 1, minRequests: 50 }), { status: "ok", data: { canary: { requests: 12, errors: 0 } } });
    expect(few).toMatchObject({ verdict: "inconclusive", reason: "canary served 12 of the 50 requests needed in 20 s" });
    expect(evaluateGate(errorRate, { status: "no_data" })).toMatchObject({ verdict: "inconclusive", reason: "no canary data in the last 30 s" });
    expect(evaluateGate(errorRate, { status: "unreachable", message: "connect ECONNREFUSED" }).reason).toBe(
      "Prometheus unreachable (connect ECONNREFUSED): no verdict",
    );
    expect(evaluateGate(errorRate, { status: "ok", data: { canary: { requests: 0, errors: 0 } } }).verdict).toBe("inconclusive");
  });

  it("judges relative limits against stable", () => {
    const relative = gate({ kind: "errorRate", maxIncrease: 0.5 });
    const data = { canary: { requests: 2000, errors: 80 }, stable: { requests: 20000, errors: 200 } };
    expect(evaluateGate(relative, { status: "ok", data })).toMatchObject({ verdict: "fail", threshold: 1.5 });
    expect(evaluateGate(relative, { status: "ok", data: { canary: data.canary } }).verdict).toBe("inconclusive");
    // A stable with no errors does not make one canary error infinitely worse.
    const ratio = gate({ kind: "errorRate", maxRatio: 2 });
    expect(evaluateGate(ratio, { status: "ok", data: { canary: { requests: 500, errors: 1 }, stable: { requests: 10000, errors: 0 } } }).verdict).toBe("pass");
  });
});

describe("error-rate gate, scanning the window's last half and quarter", () => {
  const derived = gate({ kind: "errorRate", max: 0.1 });
  const recent = (ten: [number, number], five: [number, number]) => [
    { window: "10s", canary: { requests: ten[0], errors: ten[1] } },
    { window: "5s", canary: { requests: five[0], errors: five[1] } },
  ];

  it("fails on a burst in the last 5 s that the whole 20 s window still calls chance", () => {
    const whole = { canary: { requests: 200, errors: 3 } };
    expect(evaluateGate(derived, { status: "ok", data: whole }).verdict).toBe("pass");
    const result = evaluateGate(derived, { status: "ok", data: { ...whole, recent: recent([100, 3], [50, 3]) } });
    expect(result).toMatchObject({ verdict: "fail", value: 6, threshold: 0.1 });
    expect(result.reason).toBe("canary error rate 6.0% (the last 5 s of the 20 s window) > 0.1%, 3 errors in 50 requests in 5 s (p = 1.9e-5)");
  });

  it("spends a third of 1 - confidence on each window, and wants 3 errors in a short one", () => {
    // 7 errors in 1,000 (p = 8.2e-5) fail the window alone, not as one of three (needs < 3.3e-5).
    const seven = { canary: { requests: 1000, errors: 7 } };
    expect(evaluateGate(derived, { status: "ok", data: seven }).verdict).toBe("fail");
    const scanned = evaluateGate(derived, { status: "ok", data: { ...seven, recent: recent([500, 3], [250, 2]) } });
    expect(scanned.verdict).toBe("pass");
    expect(scanned.reason).toMatch(/within chance \(p = 8\.2e-5, needs < 3\.3e-5\)$/);
    // 2 errors in the last 5 s at 1 request/s (p = 2.8e-5 among 8): not enough evidence to act on.
    const slow = { canary: { requests: 20, errors: 2 }, recent: recent([10, 2], [8, 2]) };
    expect(evaluateGate(derived, { status: "ok", data: slow }).verdict).toBe("pass");
  });

  it("fails on errors far likelier from a 30x burst than from the limit, which significance alone calls chance", () => {
    // 3 errors in the last 10 s at 10 requests/s: p = 1.5e-4 (needs < 3.3e-5), but 1,550 times
    // likelier at 3% than at 0.1%.
    const result = evaluateGate(derived, { status: "ok", data: { canary: { requests: 200, errors: 3 }, recent: recent([100, 3], [50, 2]) } });
    expect(result).toMatchObject({ verdict: "fail", value: 3, threshold: 0.1, window: "10s" });
    expect(result.reason).toBe(
      "canary error rate 3.0% (the last 10 s of the 20 s window) > 0.1%, 3 errors in 100 requests in 10 s: 1,550 times likelier at 3.0% (a 30x burst) than at 0.1%",
    );
    // The whole window: 4 errors in 200 requests (p = 5.5e-5) is a burst, 3 (81 times) is not.
    expect(evaluateGate(derived, { status: "ok", data: { canary: { requests: 200, errors: 4 }, recent: recent([100, 2], [50, 1]) } })).toMatchObject({
      verdict: "fail",
    });
    expect(evaluateGate(derived, { status: "ok", data: { canary: { requests: 200, errors: 3 }, recent: recent([100, 2], [50, 1]) } }).verdict).toBe("pass");
  });

  it("does not take a canary at its limit at 100 requests/s for a burst", () => {
    // 5 errors in the 500 requests of one scrape (10 times the expected 0.5): p = 1.7e-4, and only
    // 11 times likelier at 3%, since 495 good requests speak against a 3% burst.
    const busy = { canary: { requests: 2000, errors: 6 }, recent: recent([1000, 5], [500, 5]) };
    expect(evaluateGate(derived, { status: "ok", data: busy }).verdict).toBe("pass");
    // Never on two errors, however few the requests.
    expect(evaluateGate(derived, { status: "ok", data: { canary: { requests: 20, errors: 2 }, recent: recent([10, 2], [5, 2]) } }).verdict).toBe("pass");
  });
});

describe("value gates", () => {
  it("compares canary latency with its limit and stable", () => {
    const p95 = gate({ kind: "latencyP95", max: 250, maxRatio: 1.5 });
    const result = evaluateGate(p95, { status: "ok", data: { canary: { value: 412, requests: 312 }, stable: { value: 180 } } });
    expect(result).toMatchObject({ verdict: "fail", value: 412, threshold: 250 });
    expect(result.reason).toBe("canary p95 latency 412 ms > 250 ms (180 ms stable), 312 requests in 1 min");
    const ok = evaluateGate(p95, { status: "ok", data: { canary: { value: 190, requests: 312 }, stable: { value: 180 } } });
    expect(ok).toMatchObject({ verdict: "pass", threshold: 250 });
    expect(evaluateGate(p95, { status: "ok", data: { canary: { value: null, requests: 312 } } }).verdict).toBe("inconclusive");
  });

  it("does not judge a P95 from a minute of 1 request/s: too few tail samples (the soak's false rollbacks)", () => {
    const p95 = gate({ kind: "latencyP95", max: 150 });
    const thin = evaluateGate(p95, { status: "ok", data: { canary: { value: 164, requests: 60 } } });
    expect(thin).toMatchObject({ verdict: "inconclusive", reason: "canary served 60 of the 100 requests needed in 1 min" });
    expect(evaluateGate(p95, { status: "ok", data: { canary: { value: 164, requests: 120 } } }).verdict).toBe("fail");
  });

  it("fails a canary that gets too little traffic", () => {
    const rate = gate({ kind: "requestRate", min: 1 });
    expect(evaluateGate(rate, { status: "ok", data: { canary: { value: 0.2 } } })).toMatchObject({
      verdict: "fail",
      reason: "canary request rate 0.2 req/s < 1 req/s in 1 min",
    });
  });
});

describe("burn-rate gate", () => {
  const burn = gate({ kind: "burnRate", availability: 99.9 });

  it("fails when a paging condition fires for the canary", () => {
    const data = { canaryErrorRatio: { ...windows, "5m": 0.05, "1h": 0.048, "30m": 0.01, "6h": 0.001 }, canaryRequests: 3000 };
    const result = evaluateGate(burn, { status: "ok", data });
    expect(result).toMatchObject({ verdict: "fail", threshold: 14.4 });
    expect(result.reason).toBe("canary burn rate 48 x over 1h and 50 x over 5m > 14.4x (2% of budget in 1h)");
  });

  it("passes when burning slowly and is inconclusive without traffic", () => {
    const data = { canaryErrorRatio: { ...windows, "5m": 0.0005, "1h": 0.0005 }, canaryRequests: 3000 };
    expect(evaluateGate(burn, { status: "ok", data }).verdict).toBe("pass");
    expect(evaluateGate(burn, { status: "ok", data: { canaryErrorRatio: windows, canaryRequests: 3000 } }).verdict).toBe("inconclusive");
    expect(evaluateGate(burn, { status: "ok", data: { ...data, canaryRequests: 3 } }).verdict).toBe("inconclusive");
  });
});

describe("burn-rate gate's value", () => {
  const burn = gate({ kind: "burnRate", availability: 99.9 });

  it("names the condition whose figure it is, and takes that figure from Prometheus when fetched", () => {
    const data = { canaryErrorRatio: { ...windows, "5m": 0.05, "1h": 0.048, "30m": 0.01, "6h": 0.001 }, canaryRequests: 3000 };
    expect(evaluateGate(burn, { status: "ok", data })).toMatchObject({ verdict: "fail", condition: "2% of budget in 1h" });
    expect(evaluateGate(burn, { status: "ok", data }).value).toBeCloseTo(48, 9);
    const fetched = { ...data, conditionBurnRates: { "2% of budget in 1h": 47.99 } };
    expect(evaluateGate(burn, { status: "ok", data: fetched })).toMatchObject({ verdict: "fail", value: 47.99, condition: "2% of budget in 1h" });
    const calm = { canaryErrorRatio: { ...windows, "5m": 0.0005, "1h": 0.0005 }, canaryRequests: 3000 };
    expect(evaluateGate(burn, { status: "ok", data: calm })).toMatchObject({ verdict: "pass", condition: "2% of budget in 1h" });
  });
});

describe("burn-rate gate on a retried canary", () => {
  const burn = gate({ kind: "burnRate", availability: 99.9 });
  // The burst that rolled the previous rollout back, 20 min ago, is in the workload's last 30 min
  // and longer; this rollout's 10 min are clean.
  const data = { canaryErrorRatio: { "5m": 0.0008, "30m": 0.01, "1h": 0.02, "6h": 0.012, "3d": 0.002 }, canaryRequests: 3000 };

  it("reads no further back than the rollout", () => {
    expect(evaluateGate(burn, { status: "ok", data }).reason).toMatch(/^canary burn rate 12 x over 6h and 10 x over 30m > 6x/);
    const retried = evaluateGate(burn, { status: "ok", data: { ...data, rolloutAgeSeconds: 10 * 60 } });
    expect(retried).toMatchObject({ verdict: "pass" });
    expect(retried.reason).toBe(
      "canary burn rate within every paging condition (0.8 x over 5m, 0.8 x over 5m); windows longer than the rollout (10 min) read its last 5m",
    );
    // 40 minutes in, the last 30 min are the rollout's own.
    const older = evaluateGate(burn, {
      status: "ok",
      data: { ...data, canaryErrorRatio: { ...data.canaryErrorRatio, "30m": 0.0009 }, rolloutAgeSeconds: 40 * 60 },
    });
    expect(older.reason).toMatch(/\(0\.9 x over 30m, 0\.8 x over 5m\); windows longer than the rollout \(40 min\) read its last 30m$/);
  });

  it("still fails a retried canary that burns on its own", () => {
    const burning = { canaryErrorRatio: { "5m": 0.03, "30m": 0.02, "1h": 0.02, "6h": 0.012, "3d": 0.002 }, canaryRequests: 3000, rolloutAgeSeconds: 90 };
    const result = evaluateGate(burn, { status: "ok", data: burning });
    expect(result.verdict).toBe("fail");
    expect(result.reason).toBe(
      "canary burn rate 30 x over 5m and 30 x over 5m > 14.4x (2% of budget in 1h); windows longer than the rollout (90 s) read its last 5m",
    );
  });
});

describe("split gate", () => {
  const split = gate({ kind: "split" });

  it("holds the observed share to the weight within half a point, when the count says so", () => {
    const off = evaluateGate(split, { status: "ok", data: { setWeight: 5, canaryRequests: 950, stableRequests: 11050 } });
    expect(off.verdict).toBe("fail");
    expect(off.reason).toMatch(/^observed canary share 7\.9% vs 5% set \(± 0\.5 points\), 12000 requests in 1 min/);
    // 7 of 100 is 7%, but 100 requests cannot tell 7% from 5.5%.
    expect(evaluateGate(split, { status: "ok", data: { setWeight: 5, canaryRequests: 7, stableRequests: 93 } }).verdict).toBe("pass");
    expect(evaluateGate(split, { status: "ok", data: { setWeight: 5, canaryRequests: 1, stableRequests: 20 } }).verdict).toBe("inconclusive");
  });
});
