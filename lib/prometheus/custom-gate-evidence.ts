import type { PrometheusClient } from "./client";
import { PrometheusError } from "./prometheus-error";
import { vectorOf } from "./results";
import type { RolloutTargets } from "./selector";

/** What the gate kinds' query sides share (gates/<kind>.ts): the shown query, failures as evidence, template arguments. */

// For gates/: the layer rule reads "../client" from a subfolder as lib/client (the browser's).
export type { PrometheusClient };

/**
 * A query as a page shows it: its text, verbatim as Aviary sent it, and the labels of the series
 * in its answer that hold the rollout's value (null: the answer's first series is the value).
 */
export type ShownQuery = { text: string; series: Record<string, string> | null };

type Fetched<T> = { ok: true; value: T } | { ok: false; message: string };

export async function attempt<T>(work: () => Promise<T>): Promise<Fetched<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof PrometheusError) return { ok: false, message: error.message };
    throw error;
  }
}

/** A Prometheus failure as a gate's observation: inconclusive, never a pass. */
export const unreachable = (message: string) => ({ status: "unreachable", message }) as const;

/** The built-in arguments of a template for one rollout (promql-template.ts), `target` the side measured. */
export function templateArgs(targets: RolloutTargets, window: string, own: Readonly<Record<string, string>>, target: string) {
  return { ...own, namespace: targets.namespace, canary: targets.canary, stable: targets.stable, window, target };
}

/** The first series' value of an instant query; null when it has none or it is not a finite number. */
export async function instantValue(client: PrometheusClient, query: string, time: Date): Promise<number | null> {
  const result = vectorOf(await client.query(query, { time }), client.url);
  const value = result[0]?.value[1];
  const number = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(number) ? number : null;
}
