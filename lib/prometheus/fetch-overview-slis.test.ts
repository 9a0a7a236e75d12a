import { describe, expect, it } from "vitest";
import { startPrometheusForFile } from "../../test/prometheus";
import { createPrometheusClient } from "./client";
import { fetchOverviewSlis } from "./fetch-overview-slis";
import type { RolloutTargets } from "./selector";
import { istioOpenMetrics, sig3, type SyntheticWorkload } from "./test-support";

/*
 * 200 rollouts over 10 namespaces, 15 minutes of history. Rollout i:
 *   stable  rps 1 + i%7,           5xx 0.001 x (1 + i%3), latency half <=100 ms, half (100, 250]
 *   canary  rps 0.5 + 0.25 x i%5,  5xx 0.01 x i%4 (none at all, so no 5xx series, when i%4 = 0),
 *           latency 90% (100, 250], 10% (250, 500]
 *   P95 stable: 100 + 150 x (0.95 - 0.5) / 0.5 = 235; P95 canary: 250 + 250 x (0.95 - 0.9) / 0.1 = 375
 * The last 10 select by destination_version instead of destination_workload.
 */
const END = Math.floor(Date.now() / 60_000) * 60 - 60;
const COUNT = 200;
const OVERRIDDEN_FROM = 190;

const params = (i: number) => ({
  namespace: `team-${i % 10}`,
  stable: { rps: 1 + (i % 7), errorRatio: 0.001 * (1 + (i % 3)) },
  canary: { rps: 0.5 + 0.25 * (i % 5), errorRatio: 0.01 * (i % 4) },
});

function history(): string {
  const workloads: SyntheticWorkload[] = Array.from({ length: COUNT }, (_, i) => {
    const { namespace, stable, canary } = params(i);
    const pair: SyntheticWorkload[] = [
      { namespace, workload: `svc-${i}-stable`, version: `v1-${i}`, ...stable, latency: { 100: 0.5, 250: 0.5 } },
      { namespace, workload: `svc-${i}-canary`, version: `v2-${i}`, ...canary, latency: { 250: 0.9, 500: 0.1 } },
    ];
    return pair;
  }).flat();
  return istioOpenMetrics({ workloads, startSeconds: END - 900, endSeconds: END, intervalSeconds: 30, buckets: [100, 250, 500, 1000], sourceReporter: false });
}

function rollouts(count: number): RolloutTargets[] {
  return Array.from({ length: count }, (_, i) =>
    i >= OVERRIDDEN_FROM
      ? { namespace: params(i).namespace, label: "destination_version", stable: `v1-${i}`, canary: `v2-${i}` }
      : { namespace: params(i).namespace, stable: `svc-${i}-stable`, canary: `svc-${i}-canary` },
  );
}

const prometheus = startPrometheusForFile({ backfill: history });
const time = new Date(END * 1000);

function countingClient() {
  const counter = { requests: 0 };
  const client = createPrometheusClient({ baseUrl: prometheus.url, fetchImpl: (...args) => (counter.requests++, fetch(...args)) });
  return { client, counter };
}

describe("overview SLIs for many rollouts", () => {
  it("makes the same small number of requests for 1, 20 and 200 rollouts", async () => {
    const counts: number[] = [];
    for (const n of [1, 20, COUNT]) {
      const { client, counter } = countingClient();
      await fetchOverviewSlis(client, rollouts(n), { window: "5m", time });
      counts.push(counter.requests);
    }
    expect(counts).toEqual([2, 2, 2]);
    expect(Math.max(...counts)).toBeLessThanOrEqual(8);
  });

  it("gets the hand-computed numbers right", async () => {
    const results = await fetchOverviewSlis(countingClient().client, rollouts(COUNT), { window: "5m", time });
    expect(results).toHaveLength(COUNT);
    const pick = (i: number) => {
      const r = results[i];
      return (
        r && {
          stable: [sig3(r.stable.requestRate), sig3(r.stable.errorRate), sig3(r.stable.p95Ms)],
          canary: [sig3(r.canary.requestRate), sig3(r.canary.errorRate), sig3(r.canary.p95Ms)],
          split: sig3(r.split),
        }
      );
    };
    // i=0: stable 1/s, 0.1%; canary 0.5/s and no 5xx series -> 0; split 0.5 / 1.5 = 0.333
    expect(pick(0)).toEqual({ stable: ["1.00", "0.00100", "235"], canary: ["0.500", "0.00", "375"], split: "0.333" });
    // i=7: stable 1 + 0 = 1/s, 0.001 x 2 = 0.2%; canary 0.5 + 0.5 = 1/s, 0.01 x 3 = 3%; split 1 / 2
    expect(pick(7)).toEqual({ stable: ["1.00", "0.00200", "235"], canary: ["1.00", "0.0300", "375"], split: "0.500" });
    // i=199 (destination_version): stable 1 + 3 = 4/s, 0.001 x 2; canary 0.5 + 1 = 1.5/s, 3%; split 1.5 / 5.5 = 0.273
    expect(pick(199)).toEqual({ stable: ["4.00", "0.00200", "235"], canary: ["1.50", "0.0300", "375"], split: "0.273" });
    expect(results[199]?.rollout).toMatchObject({ label: "destination_version", stable: "v1-199" });

    for (const [i, result] of results.entries()) {
      const { stable, canary } = params(i);
      expect(sig3(result.stable.requestRate)).toBe(sig3(stable.rps));
      expect(sig3(result.canary.errorRate)).toBe(sig3(canary.errorRatio));
      expect(sig3(result.split)).toBe(sig3(canary.rps / (canary.rps + stable.rps)));
    }
  });

  it("answers null, not zero, for rollouts without traffic, and nothing for no rollouts", async () => {
    const { client, counter } = countingClient();
    const [ghost, real] = await fetchOverviewSlis(client, [{ namespace: "team-0", stable: "ghost-stable", canary: "ghost-canary" }, rollouts(1)[0]!], { time });
    expect(ghost).toMatchObject({ stable: { requestRate: null, errorRate: null, p95Ms: null }, canary: { requestRate: null }, split: null });
    expect(sig3(real?.stable.requestRate)).toBe("1.00");
    expect(await fetchOverviewSlis(client, [], { time })).toEqual([]);
    expect(counter.requests).toBe(2);
  });
});
