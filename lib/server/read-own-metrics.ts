import type { Deps } from "../composition/deps";

/**
 * Aviary's own metrics in Prometheus' text format: this process's counters and histograms, the
 * leadership gauges, and the audit chain's head (one indexed row, read now). Each replica answers
 * for itself; Prometheus scrapes them all (aviary_background_task_leader says which one leads each task).
 */
export async function readOwnMetrics(deps: Pick<Deps, "metrics">): Promise<{ contentType: string; text: string }> {
  const { registry } = deps.metrics;
  return { contentType: registry.contentType, text: await registry.metrics() };
}
