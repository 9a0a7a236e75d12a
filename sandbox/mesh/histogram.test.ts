import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Exposition, Sample } from "./prometheus-text";
import { CANARY, requestsTo, STABLE, startStack, type Stack } from "./test-support";

// Written out rather than imported, so a rename in the code cannot slip past the test.
const ISTIO_STANDARD_LABELS = [
  "reporter",
  "source_workload",
  "source_workload_namespace",
  "source_principal",
  "source_app",
  "source_version",
  "source_canonical_service",
  "source_canonical_revision",
  "source_cluster",
  "destination_workload",
  "destination_workload_namespace",
  "destination_principal",
  "destination_app",
  "destination_version",
  "destination_service",
  "destination_service_name",
  "destination_service_namespace",
  "destination_canonical_service",
  "destination_canonical_revision",
  "destination_cluster",
  "request_protocol",
  "response_code",
  "grpc_response_status",
  "response_flags",
  "connection_security_policy",
].sort();
const ENVOY_BUCKETS = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000, Infinity];

let stack: Stack;
let metrics: Exposition;
beforeAll(async () => {
  stack = await startStack({
    weights: [50, 50],
    profiles: { stable: { errorRatio: 0, p50Ms: 40, p95Ms: 200 }, canary: { errorRatio: 0, p50Ms: 8, p95Ms: 20 } },
    rps: 6000,
  });
  await vi.waitFor(async () => {
    metrics = await stack.scrape();
    for (const w of [STABLE, CANARY]) expect(requestsTo(metrics, w)).toBeGreaterThanOrEqual(2000);
  });
});
afterAll(() => stack.close());

const withoutLe = ({ le: _le, ...labels }: Record<string, string>) => JSON.stringify(labels);
const bucketsOf = (workload: string) =>
  metrics.samples
    .filter((s) => s.name === "istio_request_duration_milliseconds_bucket" && s.labels.reporter === "destination" && s.labels.destination_workload === workload)
    .map((s) => ({ le: Number(s.labels.le === "+Inf" ? Infinity : s.labels.le), value: s.value, labels: s.labels }))
    .sort((a, b) => a.le - b.le);
const one = (name: string, labels: Record<string, string>): Sample | undefined =>
  metrics.samples.find((s) => s.name === name && withoutLe(s.labels) === withoutLe(labels));

/** The upper bound of the bucket holding quantile q, as histogram_quantile would locate it. */
function quantileBucket(workload: string, q: number): number {
  const buckets = bucketsOf(workload);
  const total = buckets.at(-1)?.value ?? 0;
  return buckets.find((b) => b.value >= q * total)?.le ?? NaN;
}

describe("sandbox mesh (test double): Istio metric shape", () => {
  it("uses Istio's metric names, types and exactly Istio's standard label set", () => {
    expect(metrics.types.get("istio_requests_total")).toBe("counter");
    expect(metrics.types.get("istio_request_duration_milliseconds")).toBe("histogram");
    const names = new Set(metrics.samples.map((s) => s.name));
    expect(names).toEqual(
      new Set([
        "istio_requests_total",
        "istio_request_duration_milliseconds_bucket",
        "istio_request_duration_milliseconds_sum",
        "istio_request_duration_milliseconds_count",
        "sandbox_mesh_weights_stale",
        "sandbox_mesh_observed_weight",
      ]),
    );
    const sample = metrics.samples.find(
      (s) => s.name === "istio_requests_total" && s.labels.reporter === "destination" && s.labels.destination_workload === CANARY,
    );
    expect(Object.keys(sample?.labels ?? {}).sort()).toEqual(ISTIO_STANDARD_LABELS);
    expect(sample?.labels).toMatchObject({
      source_workload: "istio-ingressgateway",
      source_workload_namespace: "istio-system",
      destination_workload: CANARY,
      destination_workload_namespace: "shop",
      destination_service: "checkout.shop.svc.cluster.local",
      destination_service_name: "checkout",
      destination_service_namespace: "shop",
      destination_version: "v2",
      destination_canonical_service: "checkout",
      destination_canonical_revision: "v2",
      request_protocol: "http",
      response_code: "200",
      response_flags: "-",
      connection_security_policy: "mutual_tls",
    });
    const source = metrics.samples.find((s) => s.name === "istio_requests_total" && s.labels.reporter === "source" && s.labels.destination_workload === CANARY);
    expect(source?.value).toBe(sample?.value);
  });

  it("has cumulative buckets on Envoy's default bounds, with _count equal to the +Inf bucket", () => {
    const series = new Map<string, number[]>();
    for (const s of metrics.samples.filter((s) => s.name === "istio_request_duration_milliseconds_bucket")) {
      series.set(withoutLe(s.labels), [...(series.get(withoutLe(s.labels)) ?? []), Number(s.labels.le === "+Inf" ? Infinity : s.labels.le)]);
    }
    expect(series.size).toBe(4); // 2 workloads × 2 reporters, all 200s
    for (const les of series.values()) expect(les).toEqual(ENVOY_BUCKETS);
    for (const workload of [STABLE, CANARY]) {
      const buckets = bucketsOf(workload);
      buckets.slice(1).forEach((b, i) => expect(b.value).toBeGreaterThanOrEqual(buckets[i]?.value ?? Infinity));
      const inf = buckets.at(-1);
      expect(one("istio_request_duration_milliseconds_count", inf?.labels ?? {})?.value).toBe(inf?.value);
      expect(one("istio_requests_total", inf?.labels ?? {})?.value).toBe(inf?.value);
      expect(one("istio_request_duration_milliseconds_sum", inf?.labels ?? {})?.value).toBeGreaterThan(0);
    }
  });

  it("puts the observed P50 and P95 in the buckets that hold the profile's values", () => {
    // Stable: p50 40 ms in (25, 50], p95 200 ms in (100, 250]. Canary: 8 ms in (5, 10], 20 ms in (10, 25].
    // With >= 2000 samples the sample quantiles sit within ~10% of the true ones, well inside those bounds.
    expect(quantileBucket(STABLE, 0.5)).toBe(50);
    expect(quantileBucket(STABLE, 0.95)).toBe(250);
    expect(quantileBucket(CANARY, 0.5)).toBe(10);
    expect(quantileBucket(CANARY, 0.95)).toBe(25);
  });
});
