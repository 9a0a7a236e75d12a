import type { Deps } from "./deps";

/**
 * Aviary's own metrics in Prometheus' text format: this process's counters and histograms, the
 * leadership gauge, and the audit chain's head (one indexed row, read now). Each replica answers
 * for itself; Prometheus scrapes them all (the leader gauge says which one leads).
 */
export async function readOwnMetrics(deps: Pick<Deps, "metrics">): Promise<{ contentType: string; text: string }> {
  const { registry } = deps.metrics;
  return { contentType: registry.contentType, text: await registry.metrics() };
}
