/**
 * The time windows the SLI charts offer. Fixed spans end now; "rollout" runs from the rollout's
 * start (its first successful `start` action) to now, so a whole canary fits on one screen.
 */

export const METRICS_WINDOWS = ["15m", "1h", "6h", "24h", "rollout"] as const;
export type MetricsWindow = (typeof METRICS_WINDOWS)[number];
export const DEFAULT_METRICS_WINDOW: MetricsWindow = "1h";

const FIXED_SPAN_MS: Record<Exclude<MetricsWindow, "rollout">, number> = {
  "15m": 15 * 60_000,
  "1h": 60 * 60_000,
  "6h": 6 * 60 * 60_000,
  "24h": 24 * 60 * 60_000,
};

/** A rollout started seconds ago still gets a readable chart rather than three points. */
export const MIN_ROLLOUT_SPAN_MS = 5 * 60_000;

export const WINDOW_LABELS: Record<MetricsWindow, string> = {
  "15m": "15 min",
  "1h": "1 hour",
  "6h": "6 hours",
  "24h": "24 hours",
  rollout: "Since start",
};

/**
 * The window a rollout page opens on when the link names none: one that fits the rollout, so a
 * canary started 30 s ago is not a sliver at the right edge of an hour. "Since start" (at least
 * 5 minutes) for a rollout created within the last day; a day for older ones; 15 minutes for a
 * draft, which has no traffic of its own yet.
 */
export function fittingWindow({ createdAt, status, now }: { createdAt: Date; status: string; now: Date }): MetricsWindow {
  if (status === "draft") return "15m";
  return now.getTime() - createdAt.getTime() <= FIXED_SPAN_MS["24h"] ? "rollout" : "24h";
}

export function isMetricsWindow(value: unknown): value is MetricsWindow {
  return typeof value === "string" && (METRICS_WINDOWS as readonly string[]).includes(value);
}

/** The range a window covers at `now`; `rolloutStart` is only read for "rollout". */
export function windowRange({ window, now, rolloutStart }: { window: MetricsWindow; now: Date; rolloutStart: Date }): { start: Date; end: Date } {
  const end = now.getTime();
  if (window !== "rollout") return { start: new Date(end - FIXED_SPAN_MS[window]), end: new Date(end) };
  const start = Math.min(rolloutStart.getTime(), end - MIN_ROLLOUT_SPAN_MS);
  return { start: new Date(start), end: new Date(end) };
}
