import type { BurnSummary } from "../domain/burn-summary";
import type { MetricsWindow } from "../domain/metrics-window";
import type { Point } from "../domain/series";
import type { ActionMarker, WeightChange } from "../domain/weight-history";

/** What GET /api/rollouts/{id}/metrics answers (server and browser share it). */
export type SliSeries = { errorRate: Point[]; p95Ms: Point[]; p99Ms: Point[]; requestRate: Point[] };

export type RolloutMetrics = {
  rolloutId: string;
  window: MetricsWindow;
  /** "no_traffic": Prometheus answered but holds no requests for either workload in the window. */
  state: "ok" | "no_traffic";
  generatedAt: number;
  /**
   * Unix ms, aligned down to the step (so `end` is up to one step before `generatedAt`: a point in
   * the future would read low); every series below sits on this grid.
   */
  range: { start: number; end: number; stepSeconds: number; rateWindow: string };
  workloads: { namespace: string; stable: string; canary: string };
  slo: { availability: number; latencyP95Ms: number };
  /** The numbers the charts draw their lines from: the same ones the verdicts use. */
  thresholds: { errorRate: number; latencyP95Ms: number; burnRates: number[] };
  canary: SliSeries;
  stable: SliSeries;
  /** Canary share of traffic, 0..1: what Prometheus observed, what Aviary set (step), and when it changed it. */
  split: { observed: Point[]; set: Point[]; changes: WeightChange[]; currentWeight: number };
  burn: BurnSummary;
  markers: ActionMarker[];
};
