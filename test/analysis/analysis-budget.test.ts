import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as metricsRoute } from "@/app/metrics/route";
import type { PrometheusClient } from "@/lib/prometheus/client";
import { analyseRollouts, type IterationResult } from "@/lib/server/analyse-rollouts";
import type { PassBudget } from "@/lib/server/admit-within-budget";
import { getDeps, resetDeps, type Deps } from "@/lib/composition/deps";
import { api } from "../api/client";
import { configureWith } from "../config";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { startPrometheusForFile } from "../prometheus";

/**
 * The per-pass query budget on the real parts: rollouts created and started through the API, the
 * sandbox Kubernetes API, PostgreSQL, a real Prometheus (without data: the verdicts do not matter
 * here, the queries do) counted at the client, the page's API and Aviary's /metrics.
 */
const TOKEN = "test-metrics-token-0123456789abcdef";
const kube = startKubeForFile();
const prometheus = startPrometheusForFile();
let deps: Deps;
let sent = 0;

beforeAll(async () => {
  await useFreshDatabase();
  configureWith({ AVIARY_METRICS_TOKEN: TOKEN }, "server");
  configureWith({ AVIARY_PROMETHEUS_URL: prometheus.url }, "prometheus");
  const real = getDeps().prometheus;
  const counted: PrometheusClient = {
    ...real,
    query: (...args) => (sent++, real.query(...args)),
    queryRange: (...args) => (sent++, real.queryRange(...args)),
  };
  deps = { ...getDeps(), prometheus: counted };
});

afterAll(() => {
  resetDeps();
});

/** A judge gate of `metrics` metrics: two range queries each, per rollout. */
const judge = (metrics: number) => ({
  kind: "judge",
  metrics: Array.from({ length: metrics }, (_, i) => ({ name: `m${i}`, query: `rate(requests_total{workload={{target}}, shard="${i}"}[1m])` })),
});

async function liveRollout(analysis: unknown): Promise<string> {
  const created = await api.create(rolloutInput({ virtualService: kube.addVirtualService(), analysis }));
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await api.act(created.body.id, { action: "start" })).status).toBe(200);
  return created.body.id as string;
}

async function pass(budget: PassBudget): Promise<{ result: IterationResult; queries: number }> {
  const before = sent;
  const result = await analyseRollouts(deps, { budget });
  return { result, queries: sent - before };
}

async function gauges(): Promise<Record<string, number>> {
  const res = await metricsRoute(new Request("http://aviary.test/metrics", { headers: { authorization: `Bearer ${TOKEN}` } }));
  expect(res.status).toBe(200);
  const text = await res.text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
  const names = [
    "aviary_analysis_query_budget",
    "aviary_analysis_queries_planned",
    "aviary_analysis_rollouts_deferred",
    "aviary_prometheus_requests_in_flight",
  ];
  return Object.fromEntries([...names, "aviary_prometheus_max_concurrency", "aviary_prometheus_requests_queued"].map((name) => [name, value(name)]));
}

describe("the analysis query budget", () => {
  it("defers what does not fit, says so on the page, evaluates it first next pass, and shows the budget on /metrics", async () => {
    const ids = [await liveRollout({ mode: "observe", gates: [judge(10)] }), await liveRollout({ mode: "observe", gates: [judge(10)] })];
    ids.push(await liveRollout({ mode: "observe", gates: [judge(10)] }));
    const budget: PassBudget = { queries: 45, deferredSince: new Map() };

    // 20 queries each: two fit in 45, the third waits.
    const first = await pass(budget);
    expect(first.result.evaluated).toBe(2);
    expect(first.queries).toBe(40);
    expect(first.result.deferred).toHaveLength(1);
    const waiting = first.result.deferred![0]!.id;
    expect(ids).toContain(waiting);
    const page = (await api.analysis(waiting)).body.analysis;
    expect(page.waitingForBudget).toMatchObject({ wanted: 20, left: 5, budget: 45 });
    expect(page.waitingForBudget.reason).toBe(
      "waiting for query budget: 20 queries wanted, 5 left this pass; evaluated next pass, ahead of rollouts that did not wait",
    );
    expect(page.lastEvaluatedAt).toBeNull();
    for (const id of ids.filter((id) => id !== waiting)) expect((await api.analysis(id)).body.analysis.waitingForBudget).toBeNull();
    expect(await gauges()).toMatchObject({
      aviary_analysis_query_budget: 45,
      aviary_analysis_queries_planned: 40,
      aviary_analysis_rollouts_deferred: 1,
      aviary_prometheus_requests_in_flight: 0,
      aviary_prometheus_requests_queued: 0,
      aviary_prometheus_max_concurrency: 8,
    });

    // Next pass: the one that waited goes first, and one of the others waits instead.
    const second = await pass(budget);
    expect(second.result.outcomes[0]?.rolloutId).toBe(waiting);
    expect(second.result.evaluated).toBe(2);
    expect(second.result.deferred?.map((d) => d.id)).not.toContain(waiting);
    const after = (await api.analysis(waiting)).body.analysis;
    expect(after.waitingForBudget).toBeNull();
    expect(after.latest.judge).toMatchObject({ gate: "judge" });
  });

  it("counts grouped built-in queries once for all rollouts, as planned, and runs a rollout larger than the budget alone, saying why", async () => {
    await getDeps().db.rollout.updateMany({ where: { status: "progressing" }, data: { analysis: { mode: "off", intervalSeconds: 5 } } });
    // Gates derived from the SLO: error rate (20s), P95 (1m), burn rate: 2 + 2 + 2 grouped queries, whatever the number of rollouts.
    const small = [await liveRollout({ mode: "observe" }), await liveRollout({ mode: "observe" })];
    const huge = await liveRollout({ mode: "observe", gates: [judge(30)] }); // 60 queries
    // small[0] waited in an earlier pass, so it goes first whatever order the rollouts are listed in.
    const budget: PassBudget = { queries: 50, deferredSince: new Map([[small[0]!, 0]]) };

    const first = await pass(budget);
    expect(first.result.outcomes.map((o) => o.rolloutId).sort()).toEqual([...small].sort());
    expect(first.queries).toBe(6);
    expect((await gauges()).aviary_analysis_queries_planned).toBe(6);
    expect((await api.analysis(huge)).body.analysis.waitingForBudget.reason).toBe(
      "waiting for query budget: 60 queries wanted, more than the whole budget of 50 a pass (AVIARY_ANALYSIS_QUERY_BUDGET); evaluated in a pass of its own when its turn comes",
    );

    const second = await pass(budget);
    expect(second.result.outcomes.map((o) => o.rolloutId)).toEqual([huge]);
    expect(second.queries).toBe(60);
    expect((await api.analysis(huge)).body.analysis.waitingForBudget).toBeNull();
    const again = (await api.analysis(small[0]!)).body.analysis.waitingForBudget;
    expect(again).toMatchObject({ left: 0 });
    expect(again.since).toBe(again.at); // a new wait: its earlier one ended when it was evaluated
  });
});
