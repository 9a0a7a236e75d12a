import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../../test/database";
import { appendEvents } from "../../test/chained-events";
import { checkoutRollout, testDeps } from "../../test/metrics-fixtures";
import { startPrometheusForFile } from "../../test/prometheus";
import { createPrometheusClient } from "../prometheus/client";
import { checkoutHistory, sig3 } from "../prometheus/test-support";
import { getRolloutMetrics, parseMetricsQuery } from "./get-rollout-metrics";

/*
 * Real Prometheus with two hours of constant Istio traffic (lib/prometheus/test-support.ts) and
 * the file's own database. The clock stands at the end of the history. By hand:
 *   error rate  stable 10 x 0.001 / 10 = 0.001, canary 0.05
 *   request rate  stable 10/s, canary 2/s; observed split 2 / 12 = 0.167
 *   P95 stable 100 + 150 x 0.05 / 0.08 = 193.75 (194); P99 stable 375; P95 canary 750, P99 950
 *   burn (99.9%, budget 0.001): service 0.11 / 12 = 0.0091667 -> 9.17, canary 0.05 -> 50
 *   30-day budget: 1 - 9.1667 = -8.17; latency: bucket 500 for 300 ms, canary 10% slower -> burn 2
 * Audit log: created 2h ago, started at 5% 50 min ago, promoted to 25% 30 min ago, a refused
 * promote 25 min ago, rolled back to 0% 5 min ago.
 */
const END = Math.floor(Date.now() / 60_000) * 60 - 60;
const at = (secondsBeforeEnd: number) => new Date((END - secondsBeforeEnd) * 1000);
const prometheus = startPrometheusForFile({ backfill: () => checkoutHistory({ endSeconds: END }) });
const deps = () => testDeps({ prometheus: createPrometheusClient({ baseUrl: prometheus.url }), now: at(0) });

let rolloutId = "";
beforeAll(async () => {
  await useFreshDatabase();
  const rollout = await checkoutRollout({ deps: deps(), createdAt: at(7200) });
  rolloutId = rollout.id;
  await appendEvents(rolloutId, [
    { at: at(3000), action: "start", canaryWeight: 5 },
    { at: at(1800), action: "promote", canaryWeight: 25, actorEmail: "captain@example.com" },
    { at: at(1500), action: "promote", outcome: "refused", reason: "too early" },
    { at: at(300), action: "rollback", canaryWeight: 0, reason: "canary 5xx at 5%" },
  ]);
});

const distinct = (points: { v: number | null }[]) => [...new Set(points.filter((p) => p.v !== null).map((p) => sig3(p.v)))];

describe("rollout metrics from a real Prometheus", () => {
  it("returns canary and stable SLIs equal to the hand-computed values", async () => {
    const metrics = await getRolloutMetrics(deps(), { id: rolloutId, window: "1h" });
    expect(metrics.state).toBe("ok");
    expect(metrics.range).toEqual({ start: (END - 3600) * 1000, end: END * 1000, stepSeconds: 15, rateWindow: "60s" });
    expect(metrics.canary.errorRate).toHaveLength(241);
    expect(metrics.canary.errorRate.every((p) => p.v !== null)).toBe(true);
    expect(distinct(metrics.stable.errorRate)).toEqual(["0.00100"]);
    expect(distinct(metrics.canary.errorRate)).toEqual(["0.0500"]);
    expect(distinct(metrics.stable.requestRate)).toEqual(["10.0"]);
    expect(distinct(metrics.canary.requestRate)).toEqual(["2.00"]);
    expect(distinct(metrics.split.observed)).toEqual(["0.167"]);
    expect(distinct(metrics.stable.p95Ms)).toEqual(["194"]);
    expect(distinct(metrics.stable.p99Ms)).toEqual(["375"]);
    expect(distinct(metrics.canary.p95Ms)).toEqual(["750"]);
    expect(distinct(metrics.canary.p99Ms)).toEqual(["950"]);
  });

  it("gives the thresholds, burn rates, verdicts and the 30-day budget from the same numbers", async () => {
    const { thresholds, burn } = await getRolloutMetrics(deps(), { id: rolloutId, window: "1h" });
    expect(thresholds.errorRate).toBeCloseTo(0.001, 12);
    expect(thresholds).toMatchObject({ latencyP95Ms: 300, burnRates: [14.4, 6, 1] });
    for (const rate of Object.values(burn.service.burnRate)) expect(sig3(rate)).toBe("9.17");
    for (const rate of Object.values(burn.canary.burnRate)) expect(sig3(rate)).toBe("50.0");
    expect(burn.service.verdict).toMatchObject({ status: "page", fired: { threshold: 6 } });
    expect(burn.canary.verdict).toMatchObject({ status: "page", fired: { threshold: 14.4 } });
    expect(sig3(burn.budget.remaining)).toBe("-8.17");
    expect(burn.latency).toMatchObject({ thresholdMs: 300, boundMs: 500, allowedSlowShare: 0.05 });
    expect(sig3(burn.latency.canary.slowShare?.["1h"])).toBe("0.100");
    expect(sig3(burn.latency.canary.burnRate?.["1h"])).toBe("2.00");
    expect(burn.latency.stable.slowShare?.["1h"]).toBe(0);
  });

  it("draws the weight Aviary set as a step line and marks every action in the window", async () => {
    const { split, markers, range } = await getRolloutMetrics(deps(), { id: rolloutId, window: "1h" });
    const setAt = (secondsBeforeEnd: number) => split.set.find((p) => p.t === (END - secondsBeforeEnd) * 1000)?.v;
    expect(split.set).toHaveLength(241);
    expect([setAt(3600), setAt(3015), setAt(3000), setAt(1815), setAt(1800), setAt(315), setAt(300), setAt(0)]).toEqual([0, 0, 0.05, 0.05, 0.25, 0.25, 0, 0]);
    expect(split.changes).toEqual([
      { t: at(3000).getTime(), action: "start", canaryWeight: 5 },
      { t: at(1800).getTime(), action: "promote", canaryWeight: 25 },
      { t: at(300).getTime(), action: "rollback", canaryWeight: 0 },
    ]);
    expect(markers.map((m) => [m.t, m.action, m.outcome, m.actor])).toEqual([
      [at(3000).getTime(), "start", "success", "sre@example.com"],
      [at(1800).getTime(), "promote", "success", "captain@example.com"],
      [at(1500).getTime(), "promote", "refused", "sre@example.com"],
      [at(300).getTime(), "rollback", "success", "sre@example.com"],
    ]);
    expect(markers.at(-1)?.reason).toBe("canary 5xx at 5%");
    // the create event (2h ago) is outside the 1h window
    expect(markers.every((m) => m.t >= range.start)).toBe(true);
  });

  it("runs the rollout window from the first successful start", async () => {
    const metrics = await getRolloutMetrics(deps(), { id: rolloutId, window: "rollout" });
    expect(metrics.range).toMatchObject({ start: at(3000).getTime(), end: END * 1000, stepSeconds: 15 });
    expect(metrics.split.set[0]?.v).toBe(0.05);
    expect(distinct(metrics.canary.errorRate)).toEqual(["0.0500"]);
  });

  it("keeps a 24h window near one point per pixel, with gaps where there is no history", async () => {
    const metrics = await getRolloutMetrics(deps(), { id: rolloutId, window: "24h" });
    expect(metrics.range.stepSeconds).toBe(300);
    // 24 h at 5 min is 289 points; aligning both ends to the step may add one
    expect(metrics.range.start % 300_000).toBe(0);
    expect(metrics.canary.requestRate).toHaveLength((metrics.range.end - metrics.range.start) / 300_000 + 1);
    expect(metrics.canary.requestRate.length).toBeLessThanOrEqual(290);
    expect(metrics.canary.requestRate[0]?.v).toBeNull();
    expect(metrics.split.set[0]?.v).toBeNull(); // before the rollout existed
    // where the whole rate window (step + scrape interval) lies inside the history
    const inside = metrics.canary.requestRate.filter((p) => p.t - 315_000 >= (END - 7200) * 1000 && p.t <= END * 1000);
    expect(inside.length).toBeGreaterThan(15);
    expect(distinct(inside)).toEqual(["2.00"]);
  });

  it("says no traffic, not healthy, for workloads Prometheus has never seen", async () => {
    const ghost = await checkoutRollout({
      deps: deps(),
      createdAt: at(600),
      overrides: { metrics: { stableWorkload: "ghost-v1", canaryWorkload: "ghost-v2" } },
    });
    const metrics = await getRolloutMetrics(deps(), { id: ghost.id, window: "15m" });
    expect(metrics.state).toBe("no_traffic");
    expect(metrics.canary.errorRate.every((p) => p.v === null)).toBe(true);
    expect(metrics.burn.service.verdict.status).toBe("no_data");
    expect(metrics.burn.budget.remaining).toBeNull();
    expect(metrics.markers).toEqual([]);
  });

  it("answers 404 for an unknown rollout before asking Prometheus", async () => {
    let calls = 0;
    const counting = createPrometheusClient({ baseUrl: prometheus.url, fetchImpl: (...args) => (calls++, fetch(...args)) });
    const missing = getRolloutMetrics(testDeps({ prometheus: counting, now: at(0) }), { id: "00000000-0000-4000-8000-000000000000", window: "1h" });
    await expect(missing).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(calls).toBe(0);
  });
});

describe("the window parameter", () => {
  it("defaults to 1h and names the field when it is wrong", () => {
    expect(parseMetricsQuery(new URLSearchParams())).toEqual({ window: "1h" });
    expect(parseMetricsQuery(new URLSearchParams("window=rollout"))).toEqual({ window: "rollout" });
    expect(() => parseMetricsQuery(new URLSearchParams("window=2h"))).toThrow(
      expect.objectContaining({ code: "VALIDATION", fields: { window: "window must be one of 15m, 1h, 6h, 24h, rollout" } }),
    );
    expect(() => parseMetricsQuery(new URLSearchParams("windw=1h"))).toThrow(expect.objectContaining({ fields: { windw: 'unknown field "windw"' } }));
  });
});
