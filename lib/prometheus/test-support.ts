import { expect } from "vitest";
import { ISTIO_DEFAULT_BUCKETS_MS } from "../domain/slo";
import { PrometheusError } from "./prometheus-error";

/**
 * Test-only: Istio metric history with known constant rates, as OpenMetrics text for
 * scripts/lib/prometheus-server.ts' backfill. Counters are exactly linear, so rate() over any
 * window inside the data is exact and every expected number can be worked out by hand.
 */

export type SyntheticWorkload = {
  namespace: string;
  workload: string;
  version?: string;
  rps: number;
  errorRatio: number;
  /** Share of requests per bucket (by upper bound, not cumulative); shares sum to 1. */
  latency: Record<number, number>;
};

export function istioOpenMetrics({
  workloads,
  startSeconds,
  endSeconds,
  intervalSeconds = 15,
  buckets = ISTIO_DEFAULT_BUCKETS_MS,
  sourceReporter = true,
}: {
  workloads: readonly SyntheticWorkload[];
  startSeconds: number;
  endSeconds: number;
  intervalSeconds?: number;
  buckets?: readonly number[];
  /** Also write reporter="source" copies, as a mesh does; queries must not count them. */
  sourceReporter?: boolean;
}): string {
  const lines: string[] = [];
  const series = workloads.flatMap((w) => seriesOf(w, buckets, sourceReporter));
  for (let t = startSeconds; t <= endSeconds; t += intervalSeconds) {
    // Counters start high, as if the workload had been up for an hour: rate() then never
    // meets a counter start inside its window and does not clip its extrapolation at zero.
    for (const { name, labels, perSecond } of series) lines.push(`${name}{${labels}} ${perSecond * (3600 + t - startSeconds)} ${t}`);
  }
  lines.push("# EOF", "");
  return lines.join("\n");
}

type Series = { name: string; labels: string; perSecond: number };

function seriesOf(w: SyntheticWorkload, buckets: readonly number[], sourceReporter: boolean): Series[] {
  const identity = { destination_workload_namespace: w.namespace, destination_workload: w.workload, destination_version: w.version ?? "v1" };
  const reporters = sourceReporter ? ["destination", "source"] : ["destination"];
  const result: Series[] = [];
  for (const reporter of reporters) {
    const codes = [
      ["200", 1 - w.errorRatio],
      ["503", w.errorRatio],
    ] as const;
    for (const [code, share] of codes) {
      // Like Istio, no 5xx series until there is a 5xx.
      if (share > 0) result.push({ name: "istio_requests_total", labels: labelText({ reporter, ...identity, response_code: code }), perSecond: w.rps * share });
    }
  }
  let cumulative = 0;
  for (const bound of [...buckets, Infinity]) {
    cumulative += w.latency[bound] ?? 0;
    const le = bound === Infinity ? "+Inf" : String(bound);
    const share = bound === Infinity ? 1 : Math.min(cumulative, 1);
    result.push({
      name: "istio_request_duration_milliseconds_bucket",
      labels: labelText({ reporter: "destination", ...identity, le }),
      perSecond: w.rps * share,
    });
  }
  return result;
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
    .join(",");
}

/** Compares to 3 significant digits, the precision the task asks Aviary's numbers to match. */
export function sig3(value: number | null | undefined): string | null {
  return value === null || value === undefined ? null : value.toPrecision(3);
}

/**
 * The shop/checkout rollout used by the real-Prometheus tests, with worked-out answers:
 * stable 10 req/s, 0.1% 5xx; canary 2 req/s, 5% 5xx, latency mostly 250-500 ms. Decoys that a
 * sloppy selector would count: another workload in the namespace, the same canary name in
 * another namespace, reporter="source" copies, and workloads whose names need escaping.
 */
export const CHECKOUT = { namespace: "shop", stable: "checkout-stable", canary: "checkout-canary" } as const;
export const WEIRD_WORKLOADS = { quoteAndBackslash: 'x\\"', newline: "line\nbreak" } as const;

export function checkoutHistory({ endSeconds, hours = 2 }: { endSeconds: number; hours?: number }): string {
  return istioOpenMetrics({
    startSeconds: endSeconds - hours * 3600,
    endSeconds,
    workloads: [
      { ...at(CHECKOUT.stable), version: "v1", rps: 10, errorRatio: 0.001, latency: { 25: 0.4, 50: 0.3, 100: 0.2, 250: 0.08, 500: 0.02 } },
      { ...at(CHECKOUT.canary), version: "v2", rps: 2, errorRatio: 0.05, latency: { 100: 0.05, 250: 0.15, 500: 0.7, 1000: 0.1 } },
      { ...at("checkout-other"), version: "v0", rps: 100, errorRatio: 0.5, latency: { 5000: 1 } },
      { namespace: "shop-eu", workload: CHECKOUT.canary, version: "v2", rps: 50, errorRatio: 0.9, latency: { 10000: 1 } },
      { ...at(WEIRD_WORKLOADS.quoteAndBackslash), version: "weird", rps: 3, errorRatio: 0, latency: { 10: 1 } },
      { ...at(WEIRD_WORKLOADS.newline), version: "weird", rps: 4, errorRatio: 0, latency: { 10: 1 } },
    ],
  });
}

const at = (workload: string) => ({ namespace: CHECKOUT.namespace, workload });

/** The PrometheusError a call failed with (the test fails if it did not fail, or failed otherwise). */
export async function prometheusFailure(promise: Promise<unknown>): Promise<PrometheusError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PrometheusError);
  return error as PrometheusError;
}
