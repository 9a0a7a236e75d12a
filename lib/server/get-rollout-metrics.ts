import { z } from "zod";
import { workloadsOf } from "../domain/rollout";
import { findRolloutStart, listAuditEventsInWindow } from "../db/audit/window";
import { summarizeBurn } from "../domain/burn-summary";
import { DEFAULT_METRICS_WINDOW, METRICS_WINDOWS, windowRange, type MetricsWindow } from "../domain/metrics-window";
import { errorBudget, MULTIWINDOW_CONDITIONS } from "../domain/slo";
import { parse } from "../domain/validation-errors";
import { actionMarkers, auditEntryOf, setWeightSeries, weightChanges } from "../domain/weight-history";
import { fetchBurnRateInputs } from "../prometheus/fetch-burn-rate-inputs";
import { fetchRolloutSeries } from "../prometheus/fetch-rollout-series";
import { alignRange, stepFor } from "../prometheus/range";
import type { RolloutMetrics } from "../contracts/metrics";
import type { Deps } from "../composition/deps";
import { getRollout } from "./get-rollout";

/** About one point per pixel of a half-width chart; Prometheus' `step` does the downsampling. */
export const CHART_POINTS = 500;
/** A finer step than the scrape interval only repeats samples. */
export const SCRAPE_INTERVAL_SECONDS = 15;

export const metricsQuerySchema = z.strictObject({
  window: z.enum(METRICS_WINDOWS, { error: `window must be one of ${METRICS_WINDOWS.join(", ")}` }).default(DEFAULT_METRICS_WINDOW),
});

export function parseMetricsQuery(params: URLSearchParams): { window: MetricsWindow } {
  return parse(metricsQuerySchema, Object.fromEntries(params));
}

export type GetRolloutMetricsOptions = { id: string; window: MetricsWindow; maxPoints?: number };

/**
 * Everything the SLI panels of one rollout draw, from three Prometheus queries run together
 * (two range queries for the series, one instant query for the burn-rate windows and the
 * 30-day budget) plus the rollout's own audit log for the weight it set and the action markers:
 * only the events inside the window and the last weight set before it, since every open tab polls
 * this every few seconds and a long-lived rollout's history grows without bound.
 */
export async function getRolloutMetrics(deps: Deps, { id, window, maxPoints = CHART_POINTS }: GetRolloutMetricsOptions): Promise<RolloutMetrics> {
  const rollout = await getRollout(deps, { id });
  const now = deps.now();
  const rolloutStart = window === "rollout" ? await findRolloutStart(deps.db, rollout.id) : null;
  const { start, end } = windowRange({ window, now, rolloutStart: rolloutStart ?? rollout.createdAt });
  const stepSeconds = stepFor({ start, end, maxPoints, minStepSeconds: SCRAPE_INTERVAL_SECONDS });
  // From the grid's first point (the range aligned down to the step), which may precede `start`.
  const events = await listAuditEventsInWindow(deps.db, { rolloutId: rollout.id, start: alignRange({ start, end, stepSeconds }).start, end });
  const entries = events.map(auditEntryOf);
  const targets = workloadsOf(rollout);

  const [series, inputs] = await Promise.all([
    fetchRolloutSeries(deps.prometheus, { ...targets, start, end, stepSeconds, scrapeIntervalSeconds: SCRAPE_INTERVAL_SECONDS }),
    fetchBurnRateInputs(deps.prometheus, { ...targets, time: now, latencyThresholdMs: rollout.slo.latencyP95Ms }),
  ]);

  const grid = series.canary.requestRate.map((p) => p.t);
  const range = { start: series.start.getTime(), end: series.end.getTime(), stepSeconds, rateWindow: series.rateWindow };
  const hasTraffic = [series.canary.requestRate, series.stable.requestRate].some((points) => points.some((p) => p.v !== null && p.v > 0));
  return {
    rolloutId: rollout.id,
    window,
    state: hasTraffic ? "ok" : "no_traffic",
    generatedAt: now.getTime(),
    range,
    workloads: targets,
    slo: rollout.slo,
    thresholds: {
      errorRate: errorBudget(rollout.slo.availability),
      latencyP95Ms: rollout.slo.latencyP95Ms,
      burnRates: MULTIWINDOW_CONDITIONS.map((c) => c.threshold),
    },
    canary: series.canary,
    stable: series.stable,
    split: {
      observed: series.split,
      set: setWeightSeries({ entries, grid, createdAt: rollout.createdAt }),
      changes: weightChanges(entries).filter((c) => c.t >= range.start && c.t <= end.getTime()),
      currentWeight: rollout.canaryWeight,
    },
    burn: summarizeBurn({ ...inputs, slo: rollout.slo }),
    // Up to now, not to the grid's last point (up to a step earlier): an action just taken is listed at once.
    markers: actionMarkers({ entries, start: range.start, end: end.getTime() }),
  };
}
