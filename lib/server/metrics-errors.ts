import { AppError } from "../app-error";
import { PROMETHEUS_ERROR_KINDS, type PrometheusErrorKind } from "../prometheus/prometheus-error";

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

type PrometheusFailure = Error & { kind: PrometheusErrorKind; httpStatus?: number };

/**
 * Recognised by shape, not instanceof: Next.js bundles lib/ into more than one server layer, and
 * the client getDeps() caches on globalThis may have been built by a page render, so its
 * PrometheusError class is not the one this module sees. For the same reason the answer is
 * always a fresh AppError of this layer, which lib/http/respond.ts recognises.
 */
function asPrometheusFailure(error: unknown): PrometheusFailure | null {
  if (!(error instanceof Error) || error.name !== "PrometheusError") return null;
  const kind = (error as { kind?: unknown }).kind;
  return typeof kind === "string" && (PROMETHEUS_ERROR_KINDS as readonly string[]).includes(kind) ? (error as PrometheusFailure) : null;
}

export function toMetricsError(error: unknown): unknown {
  const failure = asPrometheusFailure(error);
  if (!failure) return error;
  const unavailable =
    failure.kind === "unreachable" || failure.kind === "timeout" || (failure.kind === "http" && failure.httpStatus !== undefined && GATEWAY_DOWN.has(failure.httpStatus));
  return new AppError(unavailable ? "METRICS_UNAVAILABLE" : "METRICS_ERROR", failure.message, { cause: error });
}

export async function withMetricsErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toMetricsError(error);
  }
}
