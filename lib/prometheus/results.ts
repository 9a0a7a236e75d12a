import { toPoint, toPoints, type Point } from "../domain/series";
import { PrometheusError } from "./prometheus-error";
import type { InstantData, Labels, MatrixResult, VectorResult } from "./schemas";

/**
 * Indexes a query's series by a key computed from their labels, so one answer grouped by
 * workload (and tagged by part) can be split back into per-workload, per-SLI series. Series
 * whose key is undefined are dropped: the regex matchers select a superset of what was asked.
 */

export function seriesKey(...parts: readonly string[]): string {
  return parts.join("\u0000");
}

export function indexMatrix(result: MatrixResult, keyOf: (metric: Labels) => string | undefined): Map<string, Point[]> {
  const index = new Map<string, Point[]>();
  for (const { metric, values } of result) {
    const key = keyOf(metric);
    if (key !== undefined) index.set(key, toPoints(values));
  }
  return index;
}

export function indexVector(result: VectorResult, keyOf: (metric: Labels) => string | undefined): Map<string, number | null> {
  const index = new Map<string, number | null>();
  for (const { metric, value } of result) {
    const key = keyOf(metric);
    if (key !== undefined) index.set(key, toPoint(value).v);
  }
  return index;
}

/** Aviary's instant queries all aggregate, so anything but a vector means a confused backend. */
export function vectorOf(data: InstantData, url: string): VectorResult {
  if (data.resultType === "vector") return data.result;
  throw new PrometheusError({ kind: "bad_response", url, message: `Prometheus at ${url} answered with a ${data.resultType} where a vector was expected` });
}
