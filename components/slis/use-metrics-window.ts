"use client";

import { useSearchParams } from "next/navigation";
import { useCallback } from "react";
import { DEFAULT_METRICS_WINDOW, isMetricsWindow, type MetricsWindow } from "@/lib/domain/metrics-window";

/**
 * The chart window lives in the URL (?window=6h) so a link opens the same view. Changing it
 * replaces the history entry natively: Next.js keeps useSearchParams in sync with
 * history.replaceState, and no server round trip re-renders the page around the charts.
 * Without one, `fallback` (a window that fits the rollout: fittingWindow).
 */
export function useMetricsWindow(fallback: MetricsWindow = DEFAULT_METRICS_WINDOW): [MetricsWindow, (next: MetricsWindow) => void] {
  const params = useSearchParams();
  const raw = params.get("window");
  const current = isMetricsWindow(raw) ? raw : fallback;
  const setWindow = useCallback((next: MetricsWindow) => {
    const url = new URL(globalThis.location.href);
    url.searchParams.set("window", next);
    globalThis.history.replaceState(null, "", url);
  }, []);
  return [current, setWindow];
}
