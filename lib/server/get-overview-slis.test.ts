import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../../test/database";
import { checkoutRollout, testDeps } from "../../test/metrics-fixtures";
import { startPrometheusForFile } from "../../test/prometheus";
import { createPrometheusClient } from "../prometheus/client";
import { checkoutHistory, sig3 } from "../prometheus/test-support";
import { getOverviewSlis } from "./get-overview-slis";
import { getDeps } from "../composition/deps";

/*
 * Same history as get-rollout-metrics.test.ts: checkout stable 10/s at 0.1% 5xx, canary 2/s at
 * 5%. Over 5 minutes: error rates 0.001 / 0.05, P95 194 / 750 ms, split 0.167.
 *   SLO 99.9% (budget 0.001): service burns 9.17 (> 6 on 6h and 30m: page), canary 50 (page)
 *   SLO 99%   (budget 0.01):  service 0.917 (ok), canary 5 (> 1 on 3d and 6h: ticket) -> the
 *                             badge says ticket, and that it is the canary's
 */
const END = Math.floor(Date.now() / 60_000) * 60 - 60;
const now = new Date(END * 1000);
const prometheus = startPrometheusForFile({ backfill: () => checkoutHistory({ endSeconds: END }) });

function countingDeps() {
  const counter = { requests: 0 };
  const client = createPrometheusClient({ baseUrl: prometheus.url, fetchImpl: (...args) => (counter.requests++, fetch(...args)) });
  return { deps: testDeps({ prometheus: client, now }), counter };
}

const ids = { strict: "", lenient: "", ghost: "", archived: "" };
beforeAll(async () => {
  await useFreshDatabase();
  const { deps } = countingDeps();
  const createdAt = new Date((END - 7200) * 1000);
  ids.strict = (await checkoutRollout({ deps, createdAt })).id;
  ids.lenient = (await checkoutRollout({ deps, createdAt, overrides: { slo: { availability: 99, latencyP95Ms: 300 } } })).id;
  ids.ghost = (await checkoutRollout({ deps, createdAt, overrides: { metrics: { stableWorkload: "ghost-v1", canaryWorkload: "ghost-v2" } } })).id;
  ids.archived = (await checkoutRollout({ deps, createdAt })).id;
  await getDeps().db.rollout.update({ where: { id: ids.archived }, data: { status: "archived", archivedAt: now } });
});

describe("overview SLIs", () => {
  it("gives every active rollout its canary-vs-stable numbers and a burn-rate verdict", async () => {
    const { deps } = countingDeps();
    const overview = await getOverviewSlis(deps);
    expect(overview).toMatchObject({ generatedAt: now.getTime(), window: "5m" });
    expect(Object.keys(overview.rollouts).sort()).toEqual([ids.strict, ids.lenient, ids.ghost].sort());

    const strict = overview.rollouts[ids.strict];
    expect(strict?.state).toBe("ok");
    expect([sig3(strict?.canary.errorRate), sig3(strict?.stable.errorRate)]).toEqual(["0.0500", "0.00100"]);
    expect([sig3(strict?.canary.p95Ms), sig3(strict?.stable.p95Ms)]).toEqual(["750", "194"]);
    expect([sig3(strict?.canary.requestRate), sig3(strict?.stable.requestRate), sig3(strict?.split)]).toEqual(["2.00", "10.0", "0.167"]);
    expect(strict?.thresholds.errorRate).toBeCloseTo(0.001, 12);
    expect(strict?.thresholds.latencyP95Ms).toBe(300);
    expect(strict?.burn).toMatchObject({ status: "page", scope: "service", service: "page", canary: "page" });
    expect([sig3(strict?.burn.serviceBurnRate), sig3(strict?.burn.canaryBurnRate)]).toEqual(["9.17", "50.0"]);

    expect(overview.rollouts[ids.lenient]?.burn).toMatchObject({ status: "ticket", scope: "canary", service: "ok", canary: "ticket" });
    expect(overview.rollouts[ids.ghost]).toMatchObject({
      state: "no_traffic",
      canary: { errorRate: null, p95Ms: null, requestRate: null },
      split: null,
      burn: { status: "no_data", scope: null },
    });
  });

  it("asks Prometheus the same few times for 3 rollouts as for 43", async () => {
    const small = countingDeps();
    await getOverviewSlis(small.deps);
    for (let i = 0; i < 40; i++) {
      await checkoutRollout({ deps: small.deps, createdAt: now, overrides: { metrics: { stableWorkload: `svc-${i}-v1`, canaryWorkload: `svc-${i}-v2` } } });
    }
    const large = countingDeps();
    const overview = await getOverviewSlis(large.deps);
    expect(Object.keys(overview.rollouts)).toHaveLength(43);
    expect([small.counter.requests, large.counter.requests]).toEqual([4, 4]);
  });
});
