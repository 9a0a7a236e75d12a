import { AppError } from "../app-error";
import { PrometheusError } from "../prometheus/prometheus-error";

/**
 * Sorts Prometheus failures into the two answers the dashboard tells apart:
 *   METRICS_UNAVAILABLE (503) nobody answered: unreachable, timed out, or a gateway in front of
 *                             Prometheus saying its upstream is down (502/503/504 without a
 *                             Prometheus error body). Retrying later may help.
 *   METRICS_ERROR (502)       Prometheus answered, but refused the query or sent something
 *                             Aviary cannot read. Retrying the same query will not help.
 * The message is the adapter's, which names the Prometheus URL (never its credentials).
 */
const GATEWAY_DOWN = new Set([502, 503, 504]);

export function toMetricsError(error: unknown): unknown {
  // instanceof holds across Next.js bundles (lib/app-error.ts).
  if (!(error instanceof PrometheusError)) return error;
  const failure = error;
  const unavailable =
    failure.kind === "unreachable" ||
    failure.kind === "timeout" ||
    (failure.kind === "http" && failure.httpStatus !== undefined && GATEWAY_DOWN.has(failure.httpStatus));
  return new AppError(unavailable ? "METRICS_UNAVAILABLE" : "METRICS_ERROR", failure.message, { cause: error });
}

export async function withMetricsErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toMetricsError(error);
  }
}
