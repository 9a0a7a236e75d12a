import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../../test/database";
import { appendEvents } from "../../test/chained-events";
import { checkoutRollout, testDeps } from "../../test/metrics-fixtures";
import { startPrometheusForFile } from "../../test/prometheus";
import { latestValue } from "../domain/burn-summary";
import type { MetricsWindow } from "../domain/metrics-window";
import { createPrometheusClient } from "../prometheus/client";
import { fetchRolloutSeries } from "../prometheus/fetch-rollout-series";
import { CHECKOUT, istioOpenMetrics } from "../prometheus/test-support";
import { getOverviewSlis } from "./get-overview-slis";
import { getRolloutMetrics } from "./get-rollout-metrics";

/*
 * The latest point must be as exact as the others. Seven hours of a steady 100 req/s (stable)
 * and 10 req/s (canary), scraped every 15 s at 7 s past the quarter minute, as a live scrape
 * loop rarely sits on the chart's grid. The clock stands a few seconds after the last scrape
 * and off the step grid: a range end aligned up to the next step would lie in the future,
 * where rate() sees only part of its window and reads low (or sees one sample and gives nothing).
 */
const LAST_SCRAPE = Math.floor(Date.now() / 300_000) * 300 - 600 + 7;
const prometheus = startPrometheusForFile({
  backfill: () =>
    istioOpenMetrics({
      startSeconds: LAST_SCRAPE - 7 * 3600,
      endSeconds: LAST_SCRAPE,
      workloads: [
        { namespace: CHECKOUT.namespace, workload: CHECKOUT.stable, rps: 100, errorRatio: 0, latency: { 25: 1 } },
        { namespace: CHECKOUT.namespace, workload: CHECKOUT.canary, rps: 10, errorRatio: 0, latency: { 25: 1 } },
      ],
    }),
});
const client = () => createPrometheusClient({ baseUrl: prometheus.url });
/** Seconds after the last scrape, all before the next one (15 s later) would land. */
const CLOCKS = [1, 5, 9, 14];
const nowAt = (secondsAfterLastScrape: number) => new Date((LAST_SCRAPE + secondsAfterLastScrape) * 1000);

const within = (value: number | null | undefined, expected: number) => value !== null && value !== undefined && Math.abs(value / expected - 1) <= 0.005;
/** The points whose rate window lies entirely inside the history, each checked against the true rate. */
const wrong = (points: { t: number; v: number | null }[], expected: number, windowSeconds: number) =>
  points.filter((p) => p.t - windowSeconds * 1000 >= (LAST_SCRAPE - 7 * 3600) * 1000 && !within(p.v, expected));

describe("the latest request rate", () => {
  beforeAll(async () => {
    await useFreshDatabase();
  });

  it("is exact on every point of a range ending now, the last one included", async () => {
    for (const stepSeconds of [15, 60, 300]) {
      for (const after of CLOCKS) {
        const now = nowAt(after);
        const series = await fetchRolloutSeries(client(), { ...CHECKOUT, start: new Date(now.getTime() - 3600_000), end: now, stepSeconds });
        const context = `step ${stepSeconds}s, ${after}s after the last scrape`;
        expect(series.end.getTime(), context).toBeLessThanOrEqual(now.getTime());
        expect(now.getTime() - series.end.getTime(), context).toBeLessThan(stepSeconds * 1000);
        const windowSeconds = Number.parseInt(series.rateWindow, 10);
        expect(wrong(series.stable.requestRate, 100, windowSeconds), context).toEqual([]);
        expect(wrong(series.canary.requestRate, 10, windowSeconds), context).toEqual([]);
        const last = series.stable.requestRate.at(-1);
        expect(last?.t, context).toBe(series.end.getTime());
        expect(within(last?.v, 100), `${context}: last point ${last?.v}`).toBe(true);
      }
    }
  });

  it("gives the headline figures, on the rollout page and the overview, within 0.5% of the true rate", async () => {
    const rollout = await checkoutRollout({ deps: testDeps({ prometheus: client(), now: nowAt(0) }), createdAt: new Date((LAST_SCRAPE - 7 * 3600) * 1000) });
    for (const after of CLOCKS) {
      const deps = testDeps({ prometheus: client(), now: nowAt(after) });
      for (const window of ["15m", "1h", "6h"] satisfies MetricsWindow[]) {
        const metrics = await getRolloutMetrics(deps, { id: rollout.id, window });
        const context = `${window}, ${after}s after the last scrape`;
        const stable = metrics.stable.requestRate;
        // the headline is the latest point, and that is the range's last one
        expect(stable.at(-1)?.v, context).not.toBeNull();
        expect(within(latestValue(stable), 100), `${context}: ${latestValue(stable)}`).toBe(true);
        expect(within(latestValue(metrics.canary.requestRate), 10), `${context}: ${latestValue(metrics.canary.requestRate)}`).toBe(true);
      }
      const overview = (await getOverviewSlis(deps)).rollouts[rollout.id];
      expect(within(overview?.stable.requestRate, 100), `overview ${after}s: ${overview?.stable.requestRate}`).toBe(true);
      expect(within(overview?.canary.requestRate, 10), `overview ${after}s: ${overview?.canary.requestRate}`).toBe(true);
    }
  });

  it("lists an action taken after the grid's last point, up to now", async () => {
    const rollout = await checkoutRollout({ deps: testDeps({ prometheus: client(), now: nowAt(0) }), createdAt: new Date((LAST_SCRAPE - 3600) * 1000) });
    await appendEvents(rollout.id, [{ at: nowAt(10), action: "start", canaryWeight: 5 }]);
    const metrics = await getRolloutMetrics(testDeps({ prometheus: client(), now: nowAt(12) }), { id: rollout.id, window: "6h" });
    expect(metrics.range.end).toBeLessThan(nowAt(10).getTime());
    expect(metrics.markers.map((m) => [m.t, m.action])).toEqual([[nowAt(10).getTime(), "start"]]);
    expect(metrics.split.changes).toEqual([{ t: nowAt(10).getTime(), action: "start", canaryWeight: 5 }]);
  });
});
