import type { MetricsWindow } from "../domain/metrics-window";
import type { RolloutMetrics } from "../contracts/metrics";
import type { SliOverview, SliOverviewRow } from "../contracts/slis";
import { ApiError } from "./api";

export type { RolloutMetrics, SliOverview, SliOverviewRow };

/**
 * Browser-side reads of the SLI endpoints. Failures keep the server's code, so the UI can tell
 * METRICS_UNAVAILABLE (Prometheus not answering) from METRICS_ERROR (a query it refused).
 */
async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: "application/json" }, signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, "NETWORK", "Aviary's server did not answer; check your connection");
  }
  const body = (await response.json().catch(() => null)) as { error?: { code: string; message: string; fields?: Record<string, string> } } | null;
  if (!response.ok) {
    const error = body?.error;
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? `the server answered ${response.status}`, error?.fields);
  }
  return body as T;
}

export const metricsApi = {
  rolloutMetrics: (id: string, window: MetricsWindow, signal?: AbortSignal) =>
    getJson<RolloutMetrics>(`/api/rollouts/${encodeURIComponent(id)}/metrics?window=${encodeURIComponent(window)}`, signal),
  overview: (signal?: AbortSignal) => getJson<SliOverview>("/api/slis", signal),
};

export function isMetricsUnavailable(error: unknown): boolean {
  return error instanceof ApiError && error.code === "METRICS_UNAVAILABLE";
}

export function isMetricsQueryError(error: unknown): boolean {
  return error instanceof ApiError && error.code === "METRICS_ERROR";
}
