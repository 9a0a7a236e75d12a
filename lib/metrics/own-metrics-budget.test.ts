import { describe, expect, it } from "vitest";
import { createOwnMetrics } from "./own-metrics";

/** The budget gauges of Aviary's /metrics: what the analysis loop may ask of Prometheus, and what is asked now. */
describe("query budget metrics", () => {
  it("show the Prometheus client's calls in flight and queued at scrape time, and the latest pass's budget", async () => {
    let load: { inFlight: number; queued: number; limit: number } | undefined = { inFlight: 8, queued: 31, limit: 8 };
    const metrics = createOwnMetrics({ prometheusLoad: () => load });
    metrics.analysisBudget({ budget: 200, planned: 180, deferred: 3 });
    metrics.analysisBudget({ budget: 200, planned: 40, deferred: 2 });
    const text = await metrics.registry.metrics();
    for (const line of [
      "aviary_prometheus_requests_in_flight 8",
      "aviary_prometheus_requests_queued 31",
      "aviary_prometheus_max_concurrency 8",
      "aviary_analysis_query_budget 200",
      "aviary_analysis_queries_planned 40",
      "aviary_analysis_rollouts_deferred 2",
      "aviary_analysis_deferrals_total 5",
    ]) {
      expect(text.split("\n")).toContain(line);
    }
    load = undefined; // no client built yet: nothing in flight
    expect((await metrics.registry.metrics()).split("\n")).toContain("aviary_prometheus_requests_in_flight 0");
  });
});
