import type { GateOf } from "../domain/analysis/definition";
import type { Observation } from "../domain/analysis/evaluate";
import type { Samples } from "../domain/analysis/judge";
import { durationSeconds, renderTemplate } from "../domain/analysis/promql-template";
import { toPoints } from "../domain/series";
import type { PrometheusClient } from "./client";
import { PrometheusError } from "./prometheus-error";
import { vectorOf } from "./results";
import type { RolloutTargets } from "./selector";

/**
 * A query as a page shows it: its text, verbatim as Aviary sent it, and the labels of the series
 * in its answer that hold the rollout's value (null: the answer's first series is the value).
 */
export type ShownQuery = { text: string; series: Record<string, string> | null };

/**
 * A gate's evidence: what evaluateGate needs, and the query that produced its value. `byDecider`:
 * the queries of the shorter windows (error gate) or of the conditions (burn rate), one of which
 * produced the value when the evaluation names it (see shownQuery).
 */
export type GateEvidence = { observation: Observation; query: ShownQuery | null; byDecider?: Readonly<Record<string, ShownQuery>> };

type Fetched<T> = { ok: true; value: T } | { ok: false; message: string };

export async function attempt<T>(work: () => Promise<T>): Promise<Fetched<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof PrometheusError) return { ok: false, message: error.message };
    throw error;
  }
}

export const unreachable = (message: string): Observation => ({ status: "unreachable", message });

function templateArgs(targets: RolloutTargets, window: string, own: Readonly<Record<string, string>>, target: string) {
  return { ...own, namespace: targets.namespace, canary: targets.canary, stable: targets.stable, window, target };
}

async function instantValue(client: PrometheusClient, query: string, time: Date): Promise<number | null> {
  const result = vectorOf(await client.query(query, { time }), client.url);
  const value = result[0]?.value[1];
  const number = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(number) ? number : null;
}

/** A custom PromQL gate: the rendered template is sent as is, for the canary (and stable, when it names {{target}}). */
export async function promqlEvidence(client: PrometheusClient, gate: GateOf<"promql">, targets: RolloutTargets, time: Date): Promise<GateEvidence> {
  const window = gate.window;
  const canaryQuery = renderTemplate(gate.query, templateArgs(targets, window, gate.args, targets.canary));
  const usesTarget = /\{\{\s*target\s*\}\}/.test(gate.query);
  const stableQuery = usesTarget ? renderTemplate(gate.query, templateArgs(targets, window, gate.args, targets.stable)) : null;
  const query = { text: canaryQuery, series: null };
  const fetched = await attempt(() => Promise.all([instantValue(client, canaryQuery, time), stableQuery ? instantValue(client, stableQuery, time) : null]));
  if (!fetched.ok) return { observation: unreachable(fetched.message), query };
  const [canary, stable] = fetched.value;
  if (canary === null) return { observation: { status: "no_data" }, query };
  return {
    observation: { status: "ok", data: stable === null ? { canary: { value: canary } } : { canary: { value: canary }, stable: { value: stable } } },
    query,
  };
}

/**
 * A judge gate: each metric's template as range queries over the window, canary then stable. The
 * score is the judge's, not any query's value; the text lists every query sent, one a line.
 */
export async function judgeEvidence(client: PrometheusClient, gate: GateOf<"judge">, targets: RolloutTargets, time: Date): Promise<GateEvidence> {
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
  const rendered = gate.metrics.map((metric) => ({
    name: metric.name,
    canary: renderTemplate(metric.query, templateArgs(targets, window, gate.args, targets.canary)),
    stable: renderTemplate(metric.query, templateArgs(targets, window, gate.args, targets.stable)),
  }));
  const query = { text: rendered.flatMap((m) => [m.canary, m.stable]).join("\n"), series: null };
  const fetched = await attempt(() =>
    Promise.all(
      rendered.map(async (m): Promise<[string, Samples]> => {
        const [canary, stable] = await Promise.all([series(m.canary), series(m.stable)]);
        return [m.name, { canary, stable }];
      }),
    ),
  );
  if (!fetched.ok) return { observation: unreachable(fetched.message), query };
  return { observation: { status: "ok", data: { metrics: Object.fromEntries(fetched.value) } }, query };
}
