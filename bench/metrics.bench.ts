import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createPrometheusClient } from "../lib/prometheus/client";
import { checkoutHistory, CHECKOUT, istioOpenMetrics, type SyntheticWorkload } from "../lib/prometheus/test-support";
import { backfillOpenMetrics, startPrometheus } from "../scripts/lib/prometheus-server";
import { freePort } from "../test/free-port";
import { startBenchDatabase } from "./bench-database";
import type { BenchContext } from "./run";

/**
 * What the SLI endpoints cost, and whether a chart draws fast enough for live polling.
 *   1. GET /api/rollouts/{id}/metrics?window=1h through the real route handler (in-process, real
 *      Request), against the same Prometheus requests replayed directly with fetch (captured
 *      from the API's own calls, so they ask for exactly the same series), interleaved.
 *   2. GET /api/slis with 200 rollouts: Prometheus requests per refresh (counted by a fetch
 *      wrapper under the client), also at 1 and 20 rollouts, and the response time.
 *   3. TimeSeriesChart (components/charts) with 4 series x 1,000 points in headless Chromium.
 * Real PostgreSQL and Prometheus (backfilled history), under .data/bench/metrics.
 */
const WARM_UP = 20;
const ITERATIONS = 200;
const OVERVIEW_ROLLOUTS = 200;
const OVERVIEW_ITERATIONS = 100;
const RENDER_RUNS = 30;
const GOALS = { ratio: 1.5, overviewQueries: 8, overviewP95Ms: 300, renderMs: 100 };

type Stats = { n: number; p50: number; p95: number; p99: number; max: number };
function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { n: sorted.length, p50: rank(50), p95: rank(95), p99: rank(99), max: sorted.at(-1)! };
}
const ms = (v: number) => `${v.toFixed(1)} ms`;
const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");

/** The overview's fleet: rollout i in namespace team-(i%10), constant rates, 20 minutes of history. */
function fleetHistory(endSeconds: number): string {
  const workloads: SyntheticWorkload[] = Array.from({ length: OVERVIEW_ROLLOUTS - 1 }, (_, i): SyntheticWorkload[] => [
    { namespace: `team-${i % 10}`, workload: `svc-${i}-stable`, rps: 1 + (i % 7), errorRatio: 0.001, latency: { 100: 0.5, 250: 0.5 } },
    { namespace: `team-${i % 10}`, workload: `svc-${i}-canary`, rps: 0.5, errorRatio: 0.01 * (i % 4), latency: { 250: 0.9, 500: 0.1 } },
  ]).flat();
  return istioOpenMetrics({
    workloads,
    startSeconds: endSeconds - 1200,
    endSeconds,
    intervalSeconds: 30,
    buckets: [100, 250, 500, 1000],
    sourceReporter: false,
  });
}

async function main({ log }: BenchContext): Promise<string> {
  const root = path.resolve(".data", "bench", "metrics");
  await rm(root, { recursive: true, force: true });
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const end = Math.floor(Date.now() / 60_000) * 60 - 60;
    log("backfilling Prometheus (checkout: 2 h; fleet of 199 more rollouts: 20 min) and starting it with PostgreSQL");
    const promDir = path.join(root, "prometheus");
    await backfillOpenMetrics({ dataDir: promDir, text: checkoutHistory({ endSeconds: end }) });
    await backfillOpenMetrics({ dataDir: promDir, text: fleetHistory(end) });
    const prometheus = await startPrometheus({ dataDir: promDir, port: await freePort() });
    stops.unshift(() => prometheus.stop());
    const loadBefore = os.loadavg()[0] ?? 0;
    const buildInfo = (await (await fetch(`${prometheus.url}/api/v1/status/buildinfo`)).json().catch(() => null)) as { data?: { version?: string } } | null;
    const prometheusVersion = buildInfo?.data?.version ?? "unknown";
    const postgres = await startBenchDatabase({ root, log });
    stops.unshift(postgres.stop);

    process.env.DATABASE_URL = postgres.url;
    process.env.AVIARY_PROMETHEUS_URL = prometheus.url;
    process.env.AVIARY_AUTH_MODE = "none";
    // Every Prometheus request of the app goes through this fetch: counted, and captured on demand.
    const traffic = { requests: 0, capture: null as null | { url: string; body: string }[] };
    const countingFetch: typeof fetch = (input, init) => {
      traffic.requests++;
      traffic.capture?.push({ url: String(input), body: String(init?.body ?? "") });
      return fetch(input, init);
    };
    const { closeDeps, getDeps, overrideDeps } = await import("../lib/composition/deps");
    overrideDeps({ prometheus: createPrometheusClient({ baseUrl: prometheus.url, fetchImpl: countingFetch }) });

    const metricsRoute = await import("../app/api/rollouts/[id]/metrics/route");
    const slisRoute = await import("../app/api/slis/route");
    const { createRollout } = await import("../lib/server/create-rollout");
    stops.unshift(async () => {
      overrideDeps({});
      await closeDeps();
    });
    const context = { actor: { id: "bench", email: null, role: "admin" as const }, requestId: "bench", clientAddress: null };
    const create = (name: string, namespace: string, stable: string, canary: string) =>
      createRollout(getDeps(), {
        context,
        input: {
          name,
          namespace,
          virtualService: name,
          route: "primary",
          stable: { host: name, subset: "stable" },
          canary: { host: name, subset: "canary" },
          steps: [{ weight: 5 }, { weight: 25 }, { weight: 100 }],
          metrics: { stableWorkload: stable, canaryWorkload: canary },
          slo: { availability: 99.9, latencyP95Ms: 300 },
        },
      });

    // 1. One rollout, 1 h window: through Aviary, and the same requests straight to Prometheus.
    const checkout = await create("checkout", CHECKOUT.namespace, CHECKOUT.stable, CHECKOUT.canary);
    const apiCall = async () => {
      const started = performance.now();
      const response = await metricsRoute.GET(new Request(`http://aviary.bench/api/rollouts/${checkout.id}/metrics?window=1h`), {
        params: Promise.resolve({ id: checkout.id }),
      });
      const text = await response.text();
      const elapsed = performance.now() - started;
      if (!response.ok) throw new Error(`metrics API: HTTP ${response.status} ${text.slice(0, 300)}`);
      return elapsed;
    };
    traffic.capture = [];
    await apiCall();
    const captured = traffic.capture;
    traffic.capture = null;
    const directCall = async () => {
      const started = performance.now();
      await Promise.all(
        captured.map(async ({ url, body }) => {
          const res = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body });
          if (!res.ok) throw new Error(`direct query: HTTP ${res.status}`);
          return res.json();
        }),
      );
      return performance.now() - started;
    };
    log(`single rollout: ${captured.length} Prometheus requests per call; warming up, then ${ITERATIONS} interleaved iterations`);
    for (let i = 0; i < WARM_UP; i++) {
      await apiCall();
      await directCall();
    }
    const apiTimes: number[] = [];
    const directTimes: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      apiTimes.push(await apiCall());
      directTimes.push(await directCall());
    }
    const api = stats(apiTimes);
    const direct = stats(directTimes);
    const ratio = api.p50 / direct.p50;

    // 2. The overview: requests per refresh at 1, 20 and 200 rollouts, then its response time.
    const overviewCall = async () => {
      const before = traffic.requests;
      const started = performance.now();
      const response = await slisRoute.GET(new Request("http://aviary.bench/api/slis"));
      const text = await response.text();
      const elapsed = performance.now() - started;
      if (!response.ok) throw new Error(`overview: HTTP ${response.status} ${text.slice(0, 300)}`);
      return { elapsed, queries: traffic.requests - before, rollouts: Object.keys((JSON.parse(text) as { rollouts: object }).rollouts).length };
    };
    const perRefresh: { rollouts: number; queries: number }[] = [];
    let made = 1;
    for (const target of [1, 20, OVERVIEW_ROLLOUTS]) {
      for (; made < target; made++) await create(`svc-${made - 1}`, `team-${(made - 1) % 10}`, `svc-${made - 1}-stable`, `svc-${made - 1}-canary`);
      const { queries, rollouts } = await overviewCall();
      perRefresh.push({ rollouts, queries });
    }
    log(`overview requests per refresh: ${perRefresh.map((p) => `${p.rollouts} rollouts: ${p.queries}`).join(", ")}`);
    for (let i = 0; i < 10; i++) await overviewCall();
    const overviewTimes: number[] = [];
    for (let i = 0; i < OVERVIEW_ITERATIONS; i++) overviewTimes.push((await overviewCall()).elapsed);
    const overview = stats(overviewTimes);
    const maxQueries = Math.max(...perRefresh.map((p) => p.queries));
    const constant = perRefresh.every((p) => p.queries === perRefresh[0]?.queries);

    // 3. Rendering in Chromium.
    log(`rendering TimeSeriesChart (4 x 1,000 points) ${RENDER_RUNS} times in headless Chromium`);
    const render = await measureRender(path.join(root, "render"));

    const load = `${loadBefore.toFixed(1)} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end, on ${os.availableParallelism()} cores`;
    const row = (label: string, s: Stats) => `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} |`;
    return [
      "## SLI metrics",
      "",
      `Real Prometheus ${prometheusVersion} (backfilled: checkout 2 h of constant Istio traffic, 199 more rollouts 20 min) and embedded PostgreSQL, started by the module under \`.data/bench/metrics\`. Route handlers run in-process with a real \`Request\` (\`AVIARY_AUTH_MODE=none\`); the HTTP hop of the Next.js server is not included. Load average (1 min): ${load}; tail latencies move with it.`,
      "",
      "### Metrics API, one rollout, 1 h window",
      "",
      `\`GET /api/rollouts/{id}/metrics?window=1h\` (rollout + audit log from PostgreSQL, ${captured.length} Prometheus requests in parallel: 2 range queries at a 15 s step, 241 points per series, and the burn-rate instant query; series assembly; JSON body) against **direct**: the same ${captured.length} requests, captured from the API's own calls, sent with plain \`fetch\` in parallel and parsed with \`res.json()\`. ${WARM_UP} warm-up rounds, then ${ITERATIONS} interleaved.`,
      "",
      "| Measurement | n | p50 | p95 | p99 | max |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
      row("Metrics API", api),
      row("Same queries, direct", direct),
      "",
      "### Overview",
      "",
      `\`GET /api/slis\` for every non-archived rollout. Prometheus requests per refresh, counted under the client: ${perRefresh.map((p) => `**${p.queries}** at ${p.rollouts} rollout${p.rollouts === 1 ? "" : "s"}`).join(", ")}. Response time with ${OVERVIEW_ROLLOUTS} rollouts, ${OVERVIEW_ITERATIONS} sequential calls after 10 warm-up calls:`,
      "",
      "| Measurement | n | p50 | p95 | p99 | max |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
      row(`Overview, ${OVERVIEW_ROLLOUTS} rollouts`, overview),
      "",
      "### Chart rendering",
      "",
      render.method,
      "",
      "| Measurement | n | p50 | p95 | max |",
      "| --- | ---: | ---: | ---: | ---: |",
      `| First render (mount to painted frame) | ${render.mount.n} | ${ms(render.mount.p50)} | ${ms(render.mount.p95)} | ${ms(render.mount.max)} |`,
      `| Live update (new data, one step later) | ${render.update.n} | ${ms(render.update.p50)} | ${ms(render.update.p95)} | ${ms(render.update.max)} |`,
      "",
      "| Goal | Measured | Result |",
      "| --- | ---: | :---: |",
      `| Metrics API ≤ ${GOALS.ratio}× direct Prometheus (p50) | ${ratio.toFixed(2)}× (${ms(api.p50)} / ${ms(direct.p50)}) | ${verdict(ratio <= GOALS.ratio)} |`,
      `| Overview: Prometheus requests per refresh constant and ≤ ${GOALS.overviewQueries} | ${perRefresh.map((p) => p.queries).join(" / ")} (1 / 20 / ${OVERVIEW_ROLLOUTS} rollouts) | ${verdict(constant && maxQueries <= GOALS.overviewQueries)} |`,
      `| Overview p95 < ${GOALS.overviewP95Ms} ms (${OVERVIEW_ROLLOUTS} rollouts) | ${ms(overview.p95)} | ${verdict(overview.p95 < GOALS.overviewP95Ms)} |`,
      `| Chart, 4 × 1,000 points, first render < ${GOALS.renderMs} ms (p95) | ${ms(render.mount.p95)} | ${verdict(render.mount.p95 < GOALS.renderMs)} |`,
      "",
    ].join("\n");
  } finally {
    for (const stop of stops) await stop().catch((error: unknown) => log(`teardown: ${(error as Error).message}`));
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * The chart component bundled alone with esbuild (React production build, no Next.js), loaded
 * into headless Chromium with page.setContent. Timed in the page: from root.render() until the
 * four line paths are in the DOM, plus the next frame (rAF, then a task after it), so layout
 * and paint of that frame are included, as is the chart's own width measurement (a layout
 * effect before its first draw). A fresh root per run, one untimed warm-up run first.
 */
async function measureRender(outDir: string): Promise<{ method: string; mount: Stats; update: Stats }> {
  const esbuild = await import("esbuild").catch(() => {
    throw new Error("esbuild is not installed (it comes with tsx and vitest); run npm ci");
  });
  const { chromium } = await import("@playwright/test");
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`no Chromium at ${executablePath}; set CHROMIUM_PATH`);
  const built = await esbuild.build({
    stdin: { contents: RENDER_ENTRY, loader: "tsx", resolveDir: process.cwd(), sourcefile: "render-entry.tsx" },
    bundle: true,
    write: false,
    outdir: outDir,
    format: "iife",
    jsx: "automatic",
    minify: true,
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  const script = built.outputFiles[0]?.text ?? "";
  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    await page.setContent(
      `<!doctype html><html><body style="margin:0;font:14px sans-serif"><script>${script.replace(/<\/script/g, "<\\/script")}</script></body></html>`,
    );
    const result = await page.evaluate(
      (runs) => (window as unknown as { benchRender: (runs: number) => Promise<{ mount: number[]; update: number[] }> }).benchRender(runs),
      RENDER_RUNS,
    );
    return {
      method: `\`components/charts/time-series-chart.tsx\` bundled alone with esbuild (React production build, no Next.js), loaded into headless Chromium ${browser.version()} (1000×700 viewport, chart 600 px wide) with \`page.setContent\`. Four series of 1,000 points each (canary/stable, step lines included), two threshold lines, three action markers. Timed inside the page with \`performance.now()\`: from \`root.render()\` until the four line paths are drawn, plus the next frame (\`requestAnimationFrame\`, then a task after it, so that frame's layout and paint are included), the chart's own width measurement included. A fresh React root per run; one warm-up run first. The update row re-renders the mounted chart with every series shifted by one step, as a poll does.`,
      mount: stats(result.mount),
      update: stats(result.update),
    };
  } finally {
    await browser.close();
  }
}

const RENDER_ENTRY = `
import { createElement } from "react";
import { createRoot } from "react-dom/client";
import { TimeSeriesChart } from "./components/charts/time-series-chart";

const POINTS = 1000, STEP = 15000, START = Date.UTC(2030, 0, 1);
function seriesAt(shift) {
  const make = (key, name, color, f, extra) => ({ key, name, color, ...extra,
    points: Array.from({ length: POINTS }, (_, i) => ({ t: START + (i + shift) * STEP, v: f(i + shift) })) });
  return [
    make("canary", "Canary", "#e07b00", (i) => 0.02 + 0.01 * Math.sin(i / 17)),
    make("stable", "Stable", "#2f7d4f", (i) => 0.001 + 0.0005 * Math.sin(i / 23)),
    make("canaryP99", "Canary P99", "#f2b36b", (i) => 0.03 + 0.01 * Math.cos(i / 11), { thin: true }),
    make("set", "Set", "#1b2230", (i) => (i < 300 ? 0.05 : i < 700 ? 0.25 : 0.5), { step: true, dashed: true }),
  ];
}
function props(shift) {
  return { label: "bench", unit: "percent", series: seriesAt(shift),
    domain: [START + shift * STEP, START + (shift + POINTS - 1) * STEP],
    thresholds: [{ value: 0.001, label: "objective" }, { value: 0.05, label: "limit" }],
    markers: [300, 700, 900].map((i) => ({ t: START + (i + shift) * STEP, label: "promote" })) };
}
const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
async function drawn(host, previous) {
  for (;;) {
    const paths = host.querySelectorAll("path.chart-line");
    const d = paths.length === 4 ? Array.from(paths, (p) => p.getAttribute("d") || "").join("|") : "";
    if (d && d !== previous) return d;
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
}
window.benchRender = async (runs) => {
  const mount = [], update = [];
  for (let run = 0; run <= runs; run++) {
    const host = document.createElement("div");
    host.style.width = "600px";
    document.body.append(host);
    const root = createRoot(host);
    let started = performance.now();
    root.render(createElement(TimeSeriesChart, props(0)));
    const first = await drawn(host, "");
    await frame();
    const mounted = performance.now() - started;
    started = performance.now();
    root.render(createElement(TimeSeriesChart, props(1)));
    await drawn(host, first);
    await frame();
    const updated = performance.now() - started;
    if (run > 0) { mount.push(mounted); update.push(updated); }
    root.unmount();
    host.remove();
  }
  return { mount, update };
};
`;

const bench = { title: "SLI metrics: API overhead, overview queries, chart rendering", run: main };
export default bench;
