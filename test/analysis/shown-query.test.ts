import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { beforeAll, describe, expect, it } from "vitest";
import { ShownQuery } from "@/components/analysis/shown-query";
import { pruneEvaluations } from "@/lib/db/evaluations";
import { createPrometheusClient } from "@/lib/prometheus/client";
import { analyseRollouts } from "@/lib/server/analyse-rollouts";
import { getDeps } from "@/lib/composition/deps";
import type { EvaluationJson } from "@/lib/contracts/analysis";
import { api } from "../api/client";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { startPrometheusForFile, type InstantSample } from "../prometheus";

/*
 * The query shown beside a verdict is the one that produced it (issue 19, defect 4): for every
 * gate kind, the text the API gives was sent verbatim in that pass, and run alone at the
 * evaluation's time it returns the stored value, in the series the API names.
 * Integer counters every 5 s, so every count is whole; the pass falls 0.5 s after the last scrape.
 *   a-canary: 10 requests a scrape, 1 of them a 503 (10%), latency buckets 3/8/10 at 100/250/500 ms.
 *   a-stable: 20 a scrape, no 5xx series at all.
 *   b-canary: 10 a scrape, then a 503 series appears in the newest scrape with 4 (4 of its 10):
 *             its error gate (max 1%) fails on its newest 5 s, not on the 20 s window.
 */
const END = Math.floor(Date.now() / 60_000) * 60 - 120;
const STEP = 5;
const HOURS = 2;

function history(): string {
  const lines: string[] = [];
  const put = (metric: string, labels: Record<string, string>, value: number, t: number) =>
    lines.push(
      `${metric}{reporter="destination",destination_workload_namespace="shop",${Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(",")}} ${value} ${t}`,
    );
  const buckets = (workload: string, n: number, perScrape: Record<string, number>, t: number) => {
    for (const [le, count] of Object.entries(perScrape))
      put("istio_request_duration_milliseconds_bucket", { destination_workload: workload, le }, 1000 + n * count, t);
  };
  for (let t = END - HOURS * 3600, n = 0; t <= END; t += STEP, n++) {
    put("istio_requests_total", { destination_workload: "a-canary", response_code: "200" }, 1000 + 9 * n, t);
    put("istio_requests_total", { destination_workload: "a-canary", response_code: "503" }, 1000 + n, t);
    buckets("a-canary", n, { "100": 3, "250": 8, "500": 10, "1000": 10, "+Inf": 10 }, t);
    put("istio_requests_total", { destination_workload: "a-stable", response_code: "200" }, 1000 + 20 * n, t);
    buckets("a-stable", n, { "100": 15, "250": 19, "500": 20, "1000": 20, "+Inf": 20 }, t);
    put("istio_requests_total", { destination_workload: "b-canary", response_code: "200" }, 1000 + 10 * n - (t === END ? 4 : 0), t);
    if (t === END) put("istio_requests_total", { destination_workload: "b-canary", response_code: "503" }, 4, t);
    put("istio_requests_total", { destination_workload: "b-stable", response_code: "200" }, 1000 + 10 * n, t);
  }
  lines.push("# EOF", "");
  return lines.join("\n");
}

const prometheus = startPrometheusForFile({ backfill: history });
const kube = startKubeForFile();
const at = new Date((END + 0.5) * 1000);
const requestsOf = (target: string) =>
  `sum(rate(istio_requests_total{reporter="destination", destination_workload_namespace={{namespace}}, destination_workload={{${target}}}}[{{window}}]))`;

const GATES_A = [
  { kind: "errorRate", max: 50 },
  { kind: "latencyP95", max: 300 },
  { kind: "latencyP99", max: 1000 },
  { kind: "requestRate", min: 1 },
  { kind: "burnRate", availability: 99 },
  { kind: "split", tolerance: 5 },
  { kind: "promql", query: requestsOf("target"), max: 1000 },
  { kind: "judge", minSamples: 3, metrics: [{ name: "requests", query: requestsOf("target"), direction: "either" }] },
];

beforeAll(async () => {
  await useFreshDatabase();
});

async function liveRollout(canary: string, stable: string, gates: unknown[]): Promise<string> {
  const input = rolloutInput({
    virtualService: kube.addVirtualService(),
    metrics: { stableWorkload: stable, canaryWorkload: canary },
    analysis: { mode: "observe", gates },
  });
  const created = await api.create(input);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect((await api.act(created.body.id, { action: "start" })).status).toBe(200);
  // Two hours old: its burn windows longer than that read its last hour (burnWithinRollout).
  await getDeps().db.rollout.update({ where: { id: created.body.id }, data: { createdAt: new Date((END - HOURS * 3600) * 1000) } });
  return created.body.id;
}

function valueIn(result: InstantSample[], series: Record<string, string> | null): number {
  const found = series ? result.filter((s) => Object.entries(series).every(([k, v]) => s.metric[k] === v)) : result.slice(0, 1);
  expect(found, `series ${JSON.stringify(series)} in ${JSON.stringify(result.map((s) => s.metric))}`).toHaveLength(1);
  return Number(found[0]!.value[1]);
}

describe("the query shown beside a verdict", () => {
  it("is sent verbatim in the pass, and alone at the evaluation's time returns the stored value, for every gate kind", async () => {
    const a = await liveRollout("a-canary", "a-stable", GATES_A);
    const b = await liveRollout("b-canary", "b-stable", [{ kind: "errorRate", max: 1 }]);
    const sent: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const query = new URLSearchParams(String(init?.body ?? "")).get("query");
      if (query !== null) sent.push(query);
      return fetch(input, init);
    };
    const client = createPrometheusClient({ baseUrl: prometheus.url, fetchImpl: recording });
    const result = await analyseRollouts({ ...getDeps(), prometheus: client, now: () => at });
    expect(result.evaluated).toBe(2);

    const latestOf = async (id: string) => {
      const read = await api.analysis(id);
      expect(read.status).toBe(200);
      return read.body.analysis.latest as Record<string, EvaluationJson>;
    };
    const latestA = await latestOf(a);
    expect(Object.keys(latestA).sort()).toEqual(GATES_A.map((g) => g.kind).sort());
    for (const [gate, e] of Object.entries(latestA)) {
      expect(e.at, gate).toBe(at.toISOString());
      expect(e.query, gate).toBeTruthy();
      const lines = gate === "judge" ? e.query!.split("\n") : [e.query!];
      // Grouped parts stand in their query inside label_replace tags; custom templates are whole queries.
      for (const line of lines)
        expect(
          sent.some((q) => (gate === "promql" || gate === "judge" ? q === line : q.includes(line))),
          `${gate}: ${line}`,
        ).toBe(true);
    }
    const canaryA = { destination_workload_namespace: "shop", destination_workload: "a-canary" };
    const expected: Record<string, [number, Record<string, string> | null]> = {
      errorRate: [10, canaryA],
      requestRate: [2, canaryA],
      latencyP95: [latencyP(0.95), canaryA],
      latencyP99: [latencyP(0.99), canaryA],
      burnRate: [10, canaryA],
      promql: [2, null],
      // 1 min: the canary's 120 requests of the 360 both served (a query of the rollout's own).
      split: [100 / 3, null],
    };
    for (const [gate, [value, series]] of Object.entries(expected)) {
      const e = latestA[gate]!;
      expect(e.value, `${gate}: ${e.reason}`).toBeCloseTo(value, 6);
      expect(e.querySeries, gate).toEqual(series);
      const answer = await prometheus.runAlone(e.query!, e.at);
      expect(valueIn(answer, e.querySeries), `${gate}: ${e.query}`).toBeCloseTo(e.value!, 9);
    }
    // The strip's list names each text by id, given once; the latest entries carry it whole.
    const whole = (await api.analysis(a)).body.analysis as { evaluations: EvaluationJson[]; queries: Record<string, string> };
    expect(whole.evaluations).toHaveLength(GATES_A.length);
    for (const e of whole.evaluations) expect(e.query ?? whole.queries[e.queryId ?? ""], e.gate).toBe(latestA[e.gate]!.query);
    // The page: a disclosure (keyboard-openable) holding the text whole and the series to read.
    const html = renderToStaticMarkup(createElement(ShownQuery, { evaluation: latestA.errorRate! }));
    expect(html).toMatch(/^<details class="analysis-query"><summary>Query<\/summary>/);
    expect(html).toContain(escapeHtml(latestA.errorRate!.query!));
    expect(html).toMatch(/this rollout&#x27;s value is the series \{[^}]*destination_workload=&quot;a-canary&quot;/);
    expect(html).toMatch(/this rollout&#x27;s value is the series \{[^}]*destination_workload_namespace=&quot;shop&quot;/);
    expect(html).toContain(">Copy query</button>");
    // The grouped texts answer for both rollouts: the API says which series is this one's.
    expect((await prometheus.runAlone(latestA.errorRate!.query!, latestA.errorRate!.at)).length).toBeGreaterThan(1);

    // B's error gate decided on its newest 5 s: the row's window and its query are that scan's.
    const errorB = (await latestOf(b)).errorRate!;
    expect(errorB).toMatchObject({ verdict: "fail", window: "5s", querySeries: { destination_workload_namespace: "shop", destination_workload: "b-canary" } });
    expect(errorB.value).toBeCloseTo(40, 9);
    expect(errorB.query).toContain("[5s]");
    expect(errorB.query).not.toContain("[20s]");
    expect(valueIn(await prometheus.runAlone(errorB.query!, errorB.at), errorB.querySeries)).toBeCloseTo(40, 9);
  }, 60_000);

  it("keeps each text once, and drops it with the last evaluation naming it", async () => {
    const db = getDeps().db;
    const texts = await db.analysisQuery.count();
    const rows = await db.analysisEvaluation.count();
    expect(texts).toBeGreaterThan(0);
    // Another pass over the same rollouts sends the same texts: twice the rows, no new text.
    await analyseRollouts({ ...getDeps(), prometheus: createPrometheusClient({ baseUrl: prometheus.url }), now: () => at });
    expect(await db.analysisEvaluation.count()).toBe(2 * rows);
    expect(await db.analysisQuery.count()).toBe(texts);
    await pruneEvaluations(db, new Date(Date.now() + 60_000));
    expect(await db.analysisEvaluation.count()).toBe(0);
    expect(await db.analysisQuery.count()).toBe(0);
  });
});

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** histogram_quantile's linear interpolation for a-canary's buckets (3, 8, 10 of 10 at 100, 250, 500 ms). */
function latencyP(q: number): number {
  const rank = q * 10;
  return 250 + ((rank - 8) / (10 - 8)) * (500 - 250);
}
