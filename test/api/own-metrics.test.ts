import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as metricsRoute } from "@/app/metrics/route";
import { readChainHead } from "@/lib/db/audit/chain-reader";
import { createLeaderLock, NOTIFY_LEADER_KEY } from "@/lib/db/leader-lock";
import { analyseRollouts } from "@/lib/server/analyse-rollouts";
import { analysisTask } from "@/lib/background/analysis-task";
import { notificationTask } from "@/lib/background/notification-task";
import { startTasks } from "@/lib/background/runner";
import { createLogger } from "@/lib/log";
import { getConfig, getDeps, resetDeps } from "@/lib/composition/deps";
import { notifyConfigFromEnv } from "@/lib/server/notifications/config";
import { createOwnMetrics } from "@/lib/metrics/own-metrics";
import { proxy } from "@/proxy";
import type { ScrapeConfig } from "@/scripts/lib/prometheus-server";
import { useFreshDatabase } from "../database";
import { rolloutInput } from "../fixtures";
import { startKubeForFile } from "../kube";
import { startPrometheusForFile } from "../prometheus";
import { api } from "./client";
import { configureWith } from "../config";

/**
 * Aviary's own metrics on GET /metrics, on the real parts: the route handler, a real database,
 * the sandbox Kubernetes API and a real Prometheus, which both answers Aviary's queries and
 * scrapes Aviary's /metrics (served here over HTTP by the same route handler) with the token.
 */
const TOKEN = "test-metrics-token-0123456789abcdef";
const kube = startKubeForFile();
const quiet = createLogger({ write: () => {} });

// Aviary's /metrics over HTTP, started before Prometheus so its scrape config can name the port.
let aviary: Server;
const scrapeConfigs: ScrapeConfig[] = [];
beforeAll(async () => {
  aviary = createServer(async (req, res) => {
    const response = await metricsRoute(new Request(`http://127.0.0.1${req.url}`, { headers: req.headers as Record<string, string> }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(await response.text());
  });
  await new Promise<void>((resolve) => aviary.listen(0, "127.0.0.1", resolve));
  const target = `127.0.0.1:${(aviary.address() as AddressInfo).port}`;
  scrapeConfigs.push(
    { jobName: "aviary", targets: [target], scrapeIntervalSeconds: 1, bearerToken: TOKEN },
    { jobName: "aviary-wrong-token", targets: [target], scrapeIntervalSeconds: 1, bearerToken: "not-the-token-0123456789" },
  );
});
const prometheus = startPrometheusForFile({ scrapeConfigs });

beforeAll(async () => {
  await useFreshDatabase();
  configureWith({ AVIARY_METRICS_TOKEN: TOKEN }, "server");
  configureWith({ AVIARY_PROMETHEUS_URL: prometheus.url }, "prometheus"); // the next getDeps() builds its client, with its observer
});

afterAll(async () => {
  resetDeps();
  await new Promise((resolve) => aviary?.close(resolve));
});

afterEach(() => void configureWith({ AVIARY_METRICS_TOKEN: TOKEN }, "server"));

function scrape(authorization?: string) {
  const headers = new Headers(authorization ? { authorization } : {});
  return metricsRoute(new Request("http://aviary.test/metrics", { headers }));
}

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Prometheus' text format, line by line: every line is a comment or a sample, or the test fails. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(match, `not a sample line: ${line}`).not.toBeNull();
    const labels: Record<string, string> = {};
    const body = match![2] ?? "";
    const pairs = body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g);
    let consumed = 0;
    for (const [whole, key, value] of pairs) {
      labels[key!] = value!;
      consumed += whole.length;
    }
    expect(consumed, `labels of ${line}`).toBe(body.length);
    // Go's ParseFloat, which Prometheus uses, also takes NaN and ±Inf in any case (event-loop lag before its first sample is "Nan").
    const raw = match![3]!;
    const value = /^nan$/i.test(raw) ? NaN : /^\+?inf$/i.test(raw) ? Infinity : /^-inf$/i.test(raw) ? -Infinity : Number(raw);
    expect(Number.isNaN(value) && !/^nan$/i.test(raw), `value of ${line}`).toBe(false);
    samples.push({ name: match![1]!, labels, value });
  }
  return samples;
}

async function metrics(): Promise<Sample[]> {
  const response = await scrape(`Bearer ${TOKEN}`);
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

/** The value of the one sample with this name and these labels (0 when absent: a counter not yet moved). */
function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(found.length, `${name} ${JSON.stringify(labels)}: ${JSON.stringify(found)}`).toBeLessThanOrEqual(1);
  return found[0]?.value ?? 0;
}

async function startedRollout(overrides: Record<string, unknown> = {}) {
  const vs = kube.addVirtualService({ weights: [100, 0] });
  const created = await api.create(rolloutInput({ virtualService: vs, ...overrides }));
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  expect((await api.act(id, { action: "start" })).status).toBe(200);
  return id;
}

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = await read();
    if (done(got)) return got;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(got)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("GET /metrics: who may read it", () => {
  it("answers 404 saying how to turn it on when AVIARY_METRICS_TOKEN is unset, whatever the caller sends", async () => {
    configureWith({ AVIARY_METRICS_TOKEN: undefined }, "server");
    for (const authorization of [undefined, `Bearer ${TOKEN}`]) {
      const response = await scrape(authorization);
      expect(response.status).toBe(404);
      expect((await response.json()).error.message).toMatch(/set AVIARY_METRICS_TOKEN/);
    }
  });

  it("401 without a bearer token, 403 with a wrong one, 200 in the text format with the right one", async () => {
    configureWith({ AVIARY_METRICS_TOKEN: TOKEN }, "server");
    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await scrape(`Basic ${Buffer.from(`x:${TOKEN}`).toString("base64")}`)).status).toBe(401);
    expect((await scrape(`Bearer ${TOKEN}x`)).status).toBe(403);
    expect((await scrape(`Bearer ${TOKEN.slice(0, -1)}`)).status).toBe(403);
    const ok = await scrape(`Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await ok.text();
    for (const name of ["aviary_actions_total", "aviary_action_duration_seconds", "aviary_analysis_leader", "aviary_audit_chain_head_id"]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toContain("process_cpu_seconds_total");
    parseExposition(text);
  });

  it("is let through proxy.ts without a session (the route is the gate), with a request id handed on", async () => {
    const restoreSignIn = configureWith(
      { AVIARY_AUTH_MODE: "proxy", AVIARY_PROXY_SECRET: "gate-test-secret-0123", AVIARY_ROLE_GROUPS: '{"viewer":["eng"]}' },
      "auth",
    );
    const passed = await proxy(new NextRequest("http://aviary.test/metrics", { headers: { host: "aviary.test" } }));
    expect(passed.headers.get("x-middleware-next")).toBe("1");
    expect(passed.headers.get("x-middleware-request-x-request-id")).toMatch(/^[\w.-]+$/);
    const api = await proxy(new NextRequest("http://aviary.test/api/rollouts", { headers: { host: "aviary.test" } }));
    expect(api.status).toBe(401);
    restoreSignIn();
  });
});

describe("what the metrics count", () => {
  it("a rollback and a refused action each move aviary_actions_total by exactly one, with their labels, and are timed", async () => {
    configureWith({ AVIARY_METRICS_TOKEN: TOKEN }, "server");
    const id = await startedRollout();
    const before = await metrics();
    const ok = { action: "rollback", outcome: "ok", code: "none" };
    const refused = { action: "promote_full", outcome: "refused", code: "VALIDATION" };

    expect((await api.act(id, { action: "rollback", reason: "metrics test" })).status).toBe(200);
    expect((await api.act(id, { action: "promote_full" })).status).toBe(400); // no reason: refused
    expect((await api.act(id, { action: "no-such-action-" + "x".repeat(40) })).status).toBe(400);

    const after = await metrics();
    expect(value(after, "aviary_actions_total", ok) - value(before, "aviary_actions_total", ok)).toBe(1);
    expect(value(after, "aviary_actions_total", refused) - value(before, "aviary_actions_total", refused)).toBe(1);
    // An unknown action name never becomes a label value.
    const invalid = { action: "invalid", outcome: "refused", code: "VALIDATION" };
    expect(value(after, "aviary_actions_total", invalid) - value(before, "aviary_actions_total", invalid)).toBe(1);
    expect(after.some((s) => s.labels.action?.startsWith("no-such-action"))).toBe(false);
    const count = { action: "rollback", outcome: "ok" };
    expect(value(after, "aviary_action_duration_seconds_count", count) - value(before, "aviary_action_duration_seconds_count", count)).toBe(1);
    expect(value(after, "aviary_action_duration_seconds_sum", count)).toBeGreaterThan(value(before, "aviary_action_duration_seconds_sum", count));
    // The rollback read the VirtualService and patched it through the instrumented adapter.
    for (const verb of ["get", "patch"]) {
      const labels = { cluster: "default", verb, outcome: "ok" };
      expect(value(after, "aviary_kube_request_duration_seconds_count", labels), verb).toBeGreaterThan(
        value(before, "aviary_kube_request_duration_seconds_count", labels),
      );
    }
  });

  it("a call to a VirtualService that does not exist counts as a final failure", async () => {
    const before = await metrics();
    await expect(getDeps().kube.readVirtualService({ cluster: "default", namespace: "shop", name: "nowhere" })).rejects.toThrow(/does not exist/);
    const labels = { cluster: "default", verb: "get", outcome: "final" };
    expect(
      value(await metrics(), "aviary_kube_request_duration_seconds_count", labels) - value(before, "aviary_kube_request_duration_seconds_count", labels),
    ).toBe(1);
  });

  it("Prometheus calls are counted by endpoint and outcome", async () => {
    const before = await metrics();
    const { prometheus: client } = getDeps();
    await client.query("vector(1)");
    await client.queryRange("vector(1)", { start: new Date(Date.now() - 60_000), end: new Date(), stepSeconds: 15 });
    await expect(client.query("sum(")).rejects.toThrow();
    const after = await metrics();
    const moved = (labels: Record<string, string>) =>
      value(after, "aviary_prometheus_request_duration_seconds_count", labels) - value(before, "aviary_prometheus_request_duration_seconds_count", labels);
    expect(moved({ endpoint: "query", outcome: "ok" })).toBe(1);
    expect(moved({ endpoint: "query_range", outcome: "ok" })).toBe(1);
    expect(moved({ endpoint: "query", outcome: "query" })).toBe(1);
  });

  it("an analysis pass counts each gate evaluation by kind and verdict", async () => {
    const id = await startedRollout({ analysis: { mode: "observe" } });
    const before = await metrics();
    const result = await analyseRollouts(getDeps(), { pick: (all) => all.filter((r) => r.id === id) });
    const evaluations = result.outcomes[0]!.evaluations;
    expect(evaluations.length).toBeGreaterThan(0);
    const after = await metrics();
    const expected = new Map<string, number>();
    for (const e of evaluations) expected.set(`${e.kind}/${e.verdict}`, (expected.get(`${e.kind}/${e.verdict}`) ?? 0) + 1);
    for (const [key, count] of expected) {
      const [kind, verdict] = key.split("/") as [string, string];
      const labels = { kind, verdict };
      expect(value(after, "aviary_analysis_evaluations_total", labels) - value(before, "aviary_analysis_evaluations_total", labels), key).toBe(count);
    }
    // The mesh is silent here, so the gates are inconclusive: observe mode decides nothing to act on.
    expect(result.outcomes[0]!.acted).toBeNull();
  });

  it("the audit head gauge is the chain's newest event id", async () => {
    await startedRollout(); // at least two events
    const head = await readChainHead(getDeps().audit);
    expect(head).not.toBeNull();
    expect(value(await metrics(), "aviary_audit_chain_head_id")).toBe(Number(head!.id));
  });

  it("the leadership gauge is 1 in the process leading the analysis loop, 0 in another replica and after it stops", async () => {
    const deps = getDeps();
    const stop = startTasks([analysisTask({ deps, leader: createLeaderLock(getConfig().databaseUrl()), tickMs: 200 })], { metrics: deps.metrics, log: quiet });
    // A second replica, with its own registry (as another process would have), cannot lead meanwhile.
    const other = { ...deps, metrics: createOwnMetrics() };
    let stopOther: (() => Promise<void>) | undefined;
    try {
      await waitFor(
        "leader gauge",
        async () => value(await metrics(), "aviary_analysis_leader"),
        (v) => v === 1,
      );
      stopOther = startTasks([analysisTask({ deps: other, leader: createLeaderLock(getConfig().databaseUrl()), tickMs: 200 })], {
        metrics: other.metrics,
        log: quiet,
      });
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await other.metrics.registry.getSingleMetricAsString("aviary_analysis_leader")).toMatch(/^aviary_analysis_leader 0$/m);
      // The leader's passes are timed (nothing is analysed, so they are quick and ok).
      expect(value(await metrics(), "aviary_analysis_iteration_duration_seconds_count", { outcome: "ok" })).toBeGreaterThan(0);
    } finally {
      await stop();
      await stopOther?.();
    }
    expect(value(await metrics(), "aviary_analysis_leader")).toBe(0);
  });

  it("both leader-elected tasks, analysis and notifications, report their leadership and passes per task, and 0 once stopped", async () => {
    const deps = getDeps();
    const leader = (key?: number) => createLeaderLock(getConfig().databaseUrl(), key === undefined ? {} : { key });
    const stop = startTasks(
      [
        analysisTask({ deps, leader: leader(), tickMs: 200 }),
        notificationTask({ deps, config: notifyConfigFromEnv({}), leader: leader(NOTIFY_LEADER_KEY), tickMs: 200 }),
      ],
      { metrics: deps.metrics, log: quiet },
    );
    let parsed: Sample[] = [];
    const leading = () => ({
      analysis: value(parsed, "aviary_background_task_leader", { task: "analysis" }),
      notifications: value(parsed, "aviary_background_task_leader", { task: "notifications" }),
    });
    try {
      await waitFor(
        "both tasks leading and having run",
        async () => {
          parsed = await metrics();
          return { ...leading(), runs: value(parsed, "aviary_background_task_runs_total", { task: "notifications", outcome: "ok" }) };
        },
        (seen) => seen.analysis === 1 && seen.notifications === 1 && seen.runs > 0,
      );
      expect(value(parsed, "aviary_background_task_runs_total", { task: "analysis", outcome: "ok" })).toBeGreaterThan(0);
      expect(value(parsed, "aviary_background_task_duration_seconds_count", { task: "analysis", outcome: "ok" })).toBeGreaterThan(0);
      expect(value(parsed, "aviary_analysis_leader")).toBe(1); // the series from before the shared runner, still set
    } finally {
      await stop();
    }
    parsed = await metrics();
    expect(leading()).toEqual({ analysis: 0, notifications: 0 });
  });

  it("the real Prometheus scrapes /metrics with the bearer token and reads aviary_actions_total back; a wrong token is down", async () => {
    const query = async (promql: string) => {
      const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
      const body = (await response.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      return body.data.result;
    };
    const expected = value(await metrics(), "aviary_actions_total", { action: "rollback", outcome: "ok", code: "none" });
    expect(expected).toBeGreaterThanOrEqual(1);
    const result = await waitFor(
      "scraped rollbacks",
      () => query('aviary_actions_total{job="aviary",action="rollback",outcome="ok"}'),
      (rows) => rows.length === 1 && Number(rows[0]!.value[1]) === expected,
    );
    expect(result[0]!.metric).toMatchObject({ code: "none" });
    const up = await waitFor(
      "up of both jobs",
      () => query("up"),
      (rows) => rows.length >= 2,
    );
    const upOf = (job: string) => Number(up.find((row) => row.metric.job === job)?.value[1]);
    expect(upOf("aviary")).toBe(1);
    expect(upOf("aviary-wrong-token")).toBe(0);
  });
});
