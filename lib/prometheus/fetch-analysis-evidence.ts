import { errorRateScanWindows, type Gate, type GateOf } from "../domain/analysis/definition";
import type { Observation } from "../domain/analysis/evaluate";
import type { Samples } from "../domain/analysis/judge";
import { durationSeconds, renderTemplate } from "../domain/analysis/promql-template";
import type { PrometheusClient } from "./client";
import { fetchGroupedParts, type GroupedPart, type GroupedValues } from "./grouped-instant";
import { fetchOverviewBurnRates, type OverviewBurnInputs } from "./fetch-overview-burn-rates";
import { PrometheusError } from "./prometheus-error";
import { vectorOf } from "./results";
import { toPoints } from "../domain/series";
import type { RolloutTargets } from "./selector";
import { errorsExpr, quantileExpr, requestsExpr, type GroupedOptions } from "./sli-queries";

/**
 * One analysed rollout: where its series are, the gates it runs, the canary weight Aviary set and
 * when the rollout was created (burn windows reaching further back hold other rollouts' traffic).
 */
export type EvidenceRequest = { targets: RolloutTargets; gates: readonly Gate[]; setWeight: number; createdAt?: Date };

/** A gate's evidence: what evaluateGate needs, and the query a person can paste into Prometheus. */
export type GateEvidence = { observation: Observation; query: string };

/** Counts and quantiles of both workloads for one window: two queries for every rollout together. */
const WINDOW_PARTS: GroupedPart[] = [
  // Whole counts for the binomial tests (see `counted` in sli-queries.ts), not increase().
  { name: "requests", batch: 0, expr: (grouped) => requestsExpr({ ...grouped, fn: "counted" }) },
  { name: "errors", batch: 0, expr: (grouped) => errorsExpr({ ...grouped, fn: "counted" }) },
  { name: "p95", batch: 1, expr: (grouped) => quantileExpr({ ...grouped, q: 0.95 }) },
  { name: "p99", batch: 1, expr: (grouped) => quantileExpr({ ...grouped, q: 0.99 }) },
];

/** The canary's whole counts over an error-rate gate's shorter scan windows, in the same query as the window's own counts. */
function scanParts(window: string): GroupedPart[] {
  return errorRateScanWindows(window).flatMap((short) => [
    { name: `requests@${short}`, batch: 0, expr: (grouped: GroupedOptions) => requestsExpr({ ...grouped, window: short, fn: "counted" }) },
    { name: `errors@${short}`, batch: 0, expr: (grouped: GroupedOptions) => errorsExpr({ ...grouped, window: short, fn: "counted" }) },
  ]);
}

type Fetched<T> = { ok: true; value: T } | { ok: false; message: string };

async function attempt<T>(work: () => Promise<T>): Promise<Fetched<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof PrometheusError) return { ok: false, message: error.message };
    throw error;
  }
}

const unreachable = (message: string): Observation => ({ status: "unreachable", message });

/**
 * The evidence for every gate of every analysed rollout at `time`. The built-in gates share
 * grouped queries (fetchGroupedParts, fetchOverviewBurnRates): their number depends on the distinct
 * windows the gates use, not on the number of rollouts. Custom PromQL and judge gates are
 * queried per rollout (their templates cannot be grouped). A Prometheus failure makes the gates
 * that needed that query inconclusive ("unreachable"); it never throws.
 */
export async function fetchAnalysisEvidence(
  client: PrometheusClient,
  requests: readonly EvidenceRequest[],
  { time }: { time: Date },
): Promise<GateEvidence[][]> {
  const targets = requests.map((r) => r.targets);
  const windows = new Set<string>();
  const scanned = new Set<string>();
  let needsBurn = false;
  for (const { gates } of requests) {
    for (const gate of gates) {
      if (gate.kind === "burnRate") needsBurn = true;
      else if (gate.kind !== "promql" && gate.kind !== "judge") windows.add(gate.window);
      if (gate.kind === "errorRate") scanned.add(gate.window);
    }
  }
  const partsOf = (window: string) => (scanned.has(window) ? [...WINDOW_PARTS, ...scanParts(window)] : WINDOW_PARTS);
  const [perWindow, burn] = await Promise.all([
    Promise.all(
      [...windows].map(async (window) => [window, await attempt(() => fetchGroupedParts(client, targets, partsOf(window), { window, time }))] as const),
    ),
    needsBurn ? attempt(() => fetchOverviewBurnRates(client, targets, { time })) : Promise.resolve(null),
  ]);
  const byWindow = new Map<string, Fetched<GroupedValues>>(perWindow);

  return Promise.all(
    requests.map((request, index) =>
      Promise.all(
        request.gates.map(async (gate): Promise<GateEvidence> => {
          if (gate.kind === "burnRate")
            return burnEvidence(gate, burn, index, request.createdAt ? (time.getTime() - request.createdAt.getTime()) / 1000 : undefined);
          if (gate.kind === "promql") return promqlEvidence(client, gate, request.targets, time);
          if (gate.kind === "judge") return judgeEvidence(client, gate, request.targets, time);
          const window = gate.window;
          return windowEvidence(gate, byWindow.get(window), index, request.setWeight, describeWindowQuery(gate.kind, request.targets, window));
        }),
      ),
    ),
  );
}

function describeWindowQuery(kind: Gate["kind"], targets: RolloutTargets, window: string): string {
  const label = targets.label ?? "destination_workload";
  const selector = `reporter="destination", destination_workload_namespace="${targets.namespace}", ${label}=~"${targets.canary}|${targets.stable}"`;
  const by = `by (${label})`;
  if (kind === "latencyP95" || kind === "latencyP99") {
    const q = kind === "latencyP95" ? 0.95 : 0.99;
    return `histogram_quantile(${q}, sum by (le, ${label}) (rate(istio_request_duration_milliseconds_bucket{${selector}}[${window}])))`;
  }
  if (kind === "errorRate")
    return `sum ${by} (istio_requests_total{${selector}, response_code=~"5.."} - istio_requests_total{${selector}, response_code=~"5.."} offset ${window}) / sum ${by} (istio_requests_total{${selector}} - istio_requests_total{${selector}} offset ${window})`;
  return `sum ${by} (istio_requests_total{${selector}} - istio_requests_total{${selector}} offset ${window})`;
}

function windowEvidence(gate: Gate, fetched: Fetched<GroupedValues> | undefined, index: number, setWeight: number, query: string): GateEvidence {
  if (!fetched) return { observation: { status: "no_data" }, query };
  if (!fetched.ok) return { observation: unreachable(fetched.message), query };
  const get = (workload: "canary" | "stable", part: string) => fetched.value.get(index, workload, part);
  const counts = (workload: "canary" | "stable", suffix = "") => {
    const requests = get(workload, `requests${suffix}`);
    if (requests === undefined || requests === null) return undefined;
    // Whole counts already (counted); rounding only guards against float noise. Istio creates the
    // 5xx series at the first error: absent means none.
    const errors = Math.round(get(workload, `errors${suffix}`) ?? 0);
    return { requests: Math.max(Math.round(requests), errors), errors };
  };
  const canary = counts("canary");
  const stable = counts("stable");
  const seconds = durationSeconds(gate.window) ?? 1;
  const sample = (workload: "canary" | "stable", part: string) => {
    const side = workload === "canary" ? canary : stable;
    if (!side) return undefined;
    return { value: get(workload, part) ?? null, requests: side.requests };
  };
  const withStable = <T>(data: { canary: T; stable?: T | undefined }) => (data.stable === undefined ? { canary: data.canary } : data);
  switch (gate.kind) {
    case "errorRate": {
      if (!canary) return { observation: { status: "no_data" }, query };
      const recent = errorRateScanWindows(gate.window).flatMap((short) => {
        const shortCounts = counts("canary", `@${short}`);
        return shortCounts ? [{ window: short, canary: shortCounts }] : [];
      });
      return { observation: { status: "ok", data: { ...withStable({ canary, stable }), ...(recent.length > 0 ? { recent } : {}) } }, query };
    }
    case "latencyP95":
    case "latencyP99": {
      const part = gate.kind === "latencyP95" ? "p95" : "p99";
      const canarySample = sample("canary", part);
      return {
        observation: canarySample ? { status: "ok", data: withStable({ canary: canarySample, stable: sample("stable", part) }) } : { status: "no_data" },
        query,
      };
    }
    case "requestRate": {
      const rate = (side: typeof canary) => (side ? { value: side.requests / seconds, requests: side.requests } : undefined);
      const canaryRate = rate(canary);
      return { observation: canaryRate ? { status: "ok", data: withStable({ canary: canaryRate, stable: rate(stable) }) } : { status: "no_data" }, query };
    }
    case "split":
      if (!canary && !stable) return { observation: { status: "no_data" }, query };
      return { observation: { status: "ok", data: { setWeight, canaryRequests: canary?.requests ?? 0, stableRequests: stable?.requests ?? 0 } }, query };
    default:
      return { observation: { status: "no_data" }, query };
  }
}

function burnEvidence(gate: GateOf<"burnRate">, burn: Fetched<OverviewBurnInputs[]> | null, index: number, ageSeconds: number | undefined): GateEvidence {
  const query = "sum by (response_code class) (increase(istio_requests_total{canary}[5m | 30m | 1h | 6h | 3d])): the canary's error ratio per burn window";
  if (!burn) return { observation: { status: "no_data" }, query };
  if (!burn.ok) return { observation: unreachable(burn.message), query };
  const canary = burn.value[index]?.canary;
  if (!canary || canary.requests["5m"] === null) return { observation: { status: "no_data" }, query };
  const seconds = durationSeconds(gate.window) ?? 300;
  // The gate's own window decides how many requests count as enough; the 5m window is the nearest measured.
  const canaryRequests = (canary.requests["5m"] ?? 0) * Math.min(1, seconds / 300);
  const age = ageSeconds === undefined ? {} : { rolloutAgeSeconds: Math.max(0, ageSeconds) };
  return { observation: { status: "ok", data: { canaryErrorRatio: canary.errorRatio, canaryRequests, ...age } }, query };
}

function templateArgs(targets: RolloutTargets, window: string, own: Readonly<Record<string, string>>, target: string) {
  return { ...own, namespace: targets.namespace, canary: targets.canary, stable: targets.stable, window, target };
}

async function instantValue(client: PrometheusClient, query: string, time: Date): Promise<number | null> {
  const result = vectorOf(await client.query(query, { time }), client.url);
  const value = result[0]?.value[1];
  const number = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(number) ? number : null;
}

async function promqlEvidence(client: PrometheusClient, gate: GateOf<"promql">, targets: RolloutTargets, time: Date): Promise<GateEvidence> {
  const window = gate.window;
  const canaryQuery = renderTemplate(gate.query, templateArgs(targets, window, gate.args, targets.canary));
  const usesTarget = /\{\{\s*target\s*\}\}/.test(gate.query);
  const stableQuery = usesTarget ? renderTemplate(gate.query, templateArgs(targets, window, gate.args, targets.stable)) : null;
  const fetched = await attempt(() => Promise.all([instantValue(client, canaryQuery, time), stableQuery ? instantValue(client, stableQuery, time) : null]));
  if (!fetched.ok) return { observation: unreachable(fetched.message), query: canaryQuery };
  const [canary, stable] = fetched.value;
  if (canary === null) return { observation: { status: "no_data" }, query: canaryQuery };
  return {
    observation: { status: "ok", data: stable === null ? { canary: { value: canary } } : { canary: { value: canary }, stable: { value: stable } } },
    query: canaryQuery,
  };
}

async function judgeEvidence(client: PrometheusClient, gate: GateOf<"judge">, targets: RolloutTargets, time: Date): Promise<GateEvidence> {
  const window = gate.window;
  const seconds = durationSeconds(window) ?? 300;
  const start = new Date(time.getTime() - seconds * 1000);
  const stepSeconds = Math.max(5, Math.round(seconds / 60));
  const series = async (query: string) => {
    const data = await client.queryRange(query, { start, end: time, stepSeconds });
    if (data.resultType !== "matrix") return [];
    // A judge metric is one series per workload; a query answering with more is read by its first.
    return toPoints(data.result[0]?.values ?? [])
      .map((point) => point.v)
      .filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  };
  const queries: string[] = [];
  const fetched = await attempt(() =>
    Promise.all(
      gate.metrics.map(async (metric): Promise<[string, Samples]> => {
        const canaryQuery = renderTemplate(metric.query, templateArgs(targets, window, gate.args, targets.canary));
        const stableQuery = renderTemplate(metric.query, templateArgs(targets, window, gate.args, targets.stable));
        queries.push(canaryQuery);
        const [canary, stable] = await Promise.all([series(canaryQuery), series(stableQuery)]);
        return [metric.name, { canary, stable }];
      }),
    ),
  );
  const query = queries.join("\n");
  if (!fetched.ok) return { observation: unreachable(fetched.message), query };
  return { observation: { status: "ok", data: { metrics: Object.fromEntries(fetched.value) } }, query };
}
