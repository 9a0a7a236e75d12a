import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { beforeAll, describe, expect, it } from "vitest";
import { AnalysisPanel } from "@/components/analysis/analysis-panel";
import type { EvaluationJson, RolloutAnalysisJson } from "@/lib/contracts/analysis";
import { queryKeys } from "@/lib/client/query-keys";
import { createPrometheusClient } from "@/lib/prometheus/client";
import { analyseRollouts } from "@/lib/server/analyse-rollouts";
import { getDeps } from "@/lib/composition/deps";
import { api } from "../api/client";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { startPrometheusForFile } from "../prometheus";

/*
 * The success-rate gate (a team's own query for the canary's share of good requests, a minimum in
 * percent, as Flagger's request-success-rate) on a real Prometheus. Integer counters every 5 s:
 *   good-canary: 100 requests a scrape, 1 of them a 503 (99% good).
 *   bad-canary:  100 a scrape, 10 of them 503 (90% good).
 *   quiet-canary: no series at all.
 */
const END = Math.floor(Date.now() / 60_000) * 60 - 120;
const STEP = 5;

function history(): string {
  const lines: string[] = [];
  const put = (workload: string, code: string, value: number, t: number) =>
    lines.push(
      `istio_requests_total{reporter="destination",destination_workload_namespace="shop",destination_workload="${workload}",response_code="${code}"} ${value} ${t}`,
    );
  for (let t = END - 600, n = 0; t <= END; t += STEP, n++) {
    put("good-canary", "200", 99 * n, t);
    put("good-canary", "503", n, t);
    put("bad-canary", "200", 90 * n, t);
    put("bad-canary", "503", 10 * n, t);
    put("stable", "200", 100 * n, t);
  }
  lines.push("# EOF", "");
  return lines.join("\n");
}

const prometheus = startPrometheusForFile({ backfill: history });
const kube = startKubeForFile();
const at = new Date((END + 0.5) * 1000);
const requests = (good: boolean) =>
  `sum(rate(istio_requests_total{reporter="destination", destination_workload_namespace={{namespace}}, destination_workload={{canary}}${good ? ', response_code!~"5.."' : ""}}[{{window}}]))`;
const SUCCESS = `${requests(true)} / ${requests(false)}`;
const gate = { kind: "successRate", min: 95, query: SUCCESS };

beforeAll(async () => {
  await useFreshDatabase();
});

/** The rollouts the first test creates, which the others read again. */
const ids = { good: "", bad: "", quiet: "" };

async function liveRollout(canary: string, gates: unknown[]): Promise<string> {
  const created = await api.create(
    rolloutInput({
      virtualService: kube.addVirtualService(),
      metrics: { stableWorkload: "stable", canaryWorkload: canary },
      analysis: { mode: "observe", gates },
    }),
  );
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await api.act(created.body.id, { action: "start" })).status).toBe(200);
  return created.body.id;
}

async function analysisOf(id: string): Promise<RolloutAnalysisJson> {
  const read = await api.analysis(id);
  expect(read.status).toBe(200);
  return read.body.analysis as RolloutAnalysisJson;
}

describe("a success-rate gate on a real Prometheus", () => {
  it("is refused through the API with 400 naming the field when it cannot be judged, writing nothing", async () => {
    const bad = [
      [{ kind: "successRate", query: SUCCESS }, "analysis.gates.0.min"],
      [{ kind: "successRate", min: 101, query: SUCCESS }, "analysis.gates.0.min"],
      [{ kind: "successRate", min: 95, query: "up{job={{job}}}" }, "analysis.gates.0.query"],
      [{ kind: "successRate", min: 95, query: SUCCESS, minRequests: 50 }, "analysis.gates.0.minRequests"],
    ] as const;
    const before = await getDeps().db.rollout.count();
    for (const [gate, field] of bad) {
      const res = await api.create(rolloutInput({ virtualService: kube.addVirtualService(), analysis: { mode: "auto", gates: [gate] } }));
      expect(res.status, JSON.stringify(gate)).toBe(400);
      expect(Object.keys(res.body.error.fields ?? {}), JSON.stringify(res.body)).toContain(field);
    }
    const fast = await api.create(rolloutInput({ virtualService: kube.addVirtualService(), analysis: { mode: "auto", intervalSeconds: 5, gates: [gate] } }));
    expect(fast.status).toBe(400);
    expect(fast.body.error.fields["analysis.intervalSeconds"]).toMatch(/at least 10s when a successRate gate is present/);
    expect(await getDeps().db.rollout.count()).toBe(before);
  });

  it("passes a healthy canary, fails a bad one naming the unit, stays inconclusive without data, and shows the query that gave its value", async () => {
    const good = (ids.good = await liveRollout("good-canary", [gate, { ...gate, name: "percent template", query: `100 * ${SUCCESS}` }]));
    const bad = (ids.bad = await liveRollout("bad-canary", [gate]));
    const quiet = (ids.quiet = await liveRollout("quiet-canary", [gate]));
    const sent: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const query = new URLSearchParams(String(init?.body ?? "")).get("query");
      if (query !== null) sent.push(query);
      return fetch(input, init);
    };
    const client = createPrometheusClient({ baseUrl: prometheus.url, fetchImpl: recording });
    expect((await analyseRollouts({ ...getDeps(), prometheus: client, now: () => at })).evaluated).toBe(3);

    const healthy = (await analysisOf(good)).latest as Record<string, EvaluationJson>;
    expect(healthy.successRate).toMatchObject({ verdict: "pass", threshold: 95, unit: "%", reason: "canary success rate 99% >= 95% in 1 min" });
    expect(healthy.successRate!.value).toBeCloseTo(99, 6);
    // A template that already gives a percentage reads 9,900%: not a share, so no verdict either way.
    expect(healthy["percent template"]).toMatchObject({ verdict: "inconclusive", unit: "%" });
    expect(healthy["percent template"]!.reason).toMatch(/^canary success rate 9900% is not a share of requests/);

    const failing = (await analysisOf(bad)).latest.successRate!;
    expect(failing).toMatchObject({ verdict: "fail", threshold: 95, unit: "%", reason: "canary success rate 90% < 95% in 1 min" });
    expect((await analysisOf(quiet)).latest.successRate).toMatchObject({ verdict: "inconclusive", value: null, reason: "no canary data in the last 1 min" });

    // The stored query is the one sent, and alone at the evaluation's time it returns the stored value.
    for (const e of [healthy.successRate!, failing]) {
      expect(e.query).toMatch(/^100 \* \(sum\(rate\(istio_requests_total\{/);
      expect(sent).toContain(e.query);
      expect(e.querySeries).toBeNull();
      const alone = await prometheus.runAlone(e.query!, e.at);
      expect(alone).toHaveLength(1);
      expect(Number(alone[0]!.value[1])).toBeCloseTo(e.value!, 9);
    }
  }, 60_000);

  it("says on the page what its values are in, and its value against its limit in %", async () => {
    const id = ids.bad;
    const analysis = await analysisOf(id);
    expect(analysis.gates).toEqual([{ id: "successRate", kind: "successRate", unit: "%", window: "1m", failureLimit: 3, minRequests: 0 }]);
    const client = new QueryClient();
    client.setQueryData(queryKeys.rollouts.analysis(id), { analysis });
    const html = renderToStaticMarkup(createElement(QueryClientProvider, { client }, createElement(AnalysisPanel, { rolloutId: id, gateCount: 1 })));
    expect(html).toContain("1m window · in % · acts after 3 failures");
    expect(html).toContain(">90% / 95%<");
    expect(html).toContain("canary success rate 90% &lt; 95% in 1 min");
  });

  it("is inconclusive, never a pass, while Prometheus is down", async () => {
    const down = createPrometheusClient({ baseUrl: "http://127.0.0.1:9" });
    const later = new Date(at.getTime() + 5_000);
    await analyseRollouts({ ...getDeps(), prometheus: down, now: () => later });
    const id = ids.good;
    const latest = (await analysisOf(id)).latest.successRate!;
    expect(latest).toMatchObject({ verdict: "inconclusive", value: null, at: later.toISOString() });
    expect(latest.reason).toMatch(/^Prometheus unreachable/);
  });
});
